using System.Numerics.Tensors;

namespace PipelineGen.Runtime.Networks;

/// <summary>Activations, their derivatives and the seeded random numbers the trainer uses.</summary>
internal static class DenseMath
{
    public static void Activate(DenseActivation activation, ReadOnlySpan<float> z, Span<float> a)
    {
        switch (activation)
        {
            case DenseActivation.Relu: TensorPrimitives.Max(z, 0f, a); break;
            case DenseActivation.Tanh: TensorPrimitives.Tanh(z, a); break;
            case DenseActivation.Sigmoid: TensorPrimitives.Sigmoid(z, a); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>delta *= f'(z), written from the activation's output a = f(z) (all three allow it).</summary>
    public static void MultiplyByDerivative(DenseActivation activation, ReadOnlySpan<float> a, Span<float> delta)
    {
        switch (activation)
        {
            case DenseActivation.Relu:
                for (var i = 0; i < a.Length; i++) if (a[i] <= 0f) delta[i] = 0f;
                break;
            case DenseActivation.Tanh:
                for (var i = 0; i < a.Length; i++) delta[i] *= 1f - a[i] * a[i];
                break;
            case DenseActivation.Sigmoid:
                for (var i = 0; i < a.Length; i++) delta[i] *= a[i] * (1f - a[i]);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }
}
