// netstandard2.0 lacks this marker type; the compiler needs it for records and init accessors.
// Internal, so it never clashes with the real type in assemblies that reference this one.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit
{
}
