namespace ModelDsl.Zoo.Classic;

/// <summary>
/// torchvision's <c>vgg11</c> (configuration "A", no batch norm) for 224x224 images, numbered as torchvision's
/// <c>features</c> and <c>classifier</c> sequences.
/// </summary>
[Model(InputShape = [3, 224, 224])]
public partial class Vgg11
{
    /// <summary>Configuration A: 64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M.</summary>
    [Conv2d(64, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(128, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(256, Kernel = 3, Padding = 1), ReLU, Conv2d(256, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(512, Kernel = 3, Padding = 1), ReLU, Conv2d(512, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    [Conv2d(512, Kernel = 3, Padding = 1), ReLU, Conv2d(512, Kernel = 3, Padding = 1), ReLU, MaxPool2d(2)]
    public partial Layer Features { get; }

    /// <summary>Pooling to 7x7 and <c>torch.flatten(x, 1)</c>.</summary>
    [AdaptiveAvgPool2d(7), Flatten] public partial Layer Pool { get; }

    /// <summary>torchvision's classifier: two 4096-wide layers with dropout, then 1000 classes.</summary>
    [Linear(4096), ReLU, Dropout(0.5), Linear(4096), ReLU, Dropout(0.5), Linear(1000)] public partial Layer Classifier { get; }
}
