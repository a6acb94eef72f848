using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Training;

/// <summary>
/// Where a binary model's own decision lies: ML.NET's binary scorer says positive when Score &gt; its threshold, 0 as
/// trained, moved by out-of-fold Platt scaling to where Probability is 1/2 (OutOfFoldPlattEstimator). Exports score
/// with ONNX Runtime, which has no PredictedLabel output, so they read the threshold here and decide the same way.
/// </summary>
internal static class ModelDecision
{
    /// <summary>
    /// The threshold of the last binary prediction step in <paramref name="model"/> (nested chains included); 0 when
    /// there is none (an ensemble decides at its logit's 0 itself).
    /// </summary>
    public static float ScoreThreshold(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        float? found = null;
        Visit(model);
        return found ?? 0f;

        void Visit(ITransformer step)
        {
            if (step is TransformerChain<ITransformer> chain)
            {
                foreach (var inner in chain) Visit(inner);
                return;
            }
            var type = step.GetType();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(BinaryPredictionTransformer<>))
                found = ThresholdOf(step, type);
        }
    }

    // ML.NET keeps the threshold internal (ChangeModelThreshold sets it; the scorer saves it with the model).
    private static float ThresholdOf(ITransformer step, Type type)
    {
        const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var value = type.GetProperty("Threshold", Any)?.GetValue(step) ?? type.GetField("Threshold", Any)?.GetValue(step);
        return value as float? ?? throw new InvalidOperationException(
            $"ML.NET's {type.Name} has no readable Threshold; this build of PipelineGen does not match its ML.NET version.");
    }
}
