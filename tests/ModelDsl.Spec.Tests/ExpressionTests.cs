namespace ModelDsl.Spec.Tests;

public class ExpressionTests
{
    private static readonly Dictionary<string, long> Names = new() { ["width"] = 64, ["stride"] = 2, ["in_channels"] = 96 };

    [Theory]
    [InlineData("64", 64)]
    [InlineData("width * 4", 256)]
    [InlineData("width + stride * 3", 70)] // * binds tighter: 64 + 6
    [InlineData("(width + stride) * 3", 198)]
    [InlineData("in_channels / 2 - 1", 47)]
    [InlineData("-width + 100", 36)]
    [InlineData("  width*stride  ", 128)]
    [InlineData("width / stride / 2", 16)] // left-associative: (64 / 2) / 2
    public void Evaluates(string text, long expected)
    {
        var result = Expression.Evaluate(text, Names);
        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void UnknownNameIsNamedWithItsPosition()
    {
        var error = Expression.Evaluate("widht * 4", Names).Error;
        Assert.NotNull(error);
        Assert.Equal(ExpressionErrorKind.UnknownName, error.Kind);
        Assert.Equal(0, error.Position);
        Assert.Contains("'widht'", error.Message);
        Assert.Contains("in_channels, stride, width", error.Message); // the names that were in scope, sorted
    }

    [Fact]
    public void InexactDivisionIsAnError()
    {
        // 64 / 3 = 21.33…: a layer width is never silently rounded.
        var error = Expression.Evaluate("width / 3", Names).Error;
        Assert.NotNull(error);
        Assert.Equal(ExpressionErrorKind.NotInteger, error.Kind);
        Assert.Equal(6, error.Position);
        Assert.Contains("64 / 3 is not an integer", error.Message);
    }

    [Theory]
    [InlineData("width / (stride - 2)", ExpressionErrorKind.DivisionByZero)]
    [InlineData("", ExpressionErrorKind.Syntax)]
    [InlineData("width *", ExpressionErrorKind.Syntax)]
    [InlineData("(width + 1", ExpressionErrorKind.Syntax)]
    [InlineData("width 4", ExpressionErrorKind.Syntax)]
    [InlineData("width % 4", ExpressionErrorKind.Syntax)]
    [InlineData("1.5 * width", ExpressionErrorKind.Syntax)]
    [InlineData("99999999999999999999", ExpressionErrorKind.Overflow)]
    [InlineData("4611686018427387904 * 4", ExpressionErrorKind.Overflow)]
    public void ReportsErrors(string text, ExpressionErrorKind kind)
    {
        var result = Expression.Evaluate(text, Names);
        Assert.False(result.Succeeded);
        Assert.Equal(kind, result.Error!.Kind);
    }
}
