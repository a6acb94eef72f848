using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace PipelineGen.Runtime.Networks.Integration;

// ML.NET's ONNX transform outputs tensors as vectors ([N,1] → a vector of one value); the evaluators, the generated
// prediction classes and serving expect ML.NET's usual scalar columns. These stateless mappings turn one into the
// other. A CustomMapping is saved by its contract name only, so a load needs this assembly registered first
// (DenseModelLoading.Register, called by ModelStore.Load).

/// <summary>Working column names between the ONNX transform and ML.NET's usual columns (dropped at the end).</summary>
internal static class DenseColumns
{
    public const string Logit = "__dense_logit", Probability = "__dense_probability", Value = "__dense_value",
        ClassIndex = "__dense_class", ClassValue = "__dense_class_value";
}

/// <summary>ONNX outputs of a binary network.</summary>
public sealed class DenseBinaryOnnxOutput
{
    [VectorType(1), ColumnName(DenseColumns.Logit)] public float[] DenseLogit { get; set; } = [];
    [VectorType(1), ColumnName(DenseColumns.Probability)] public float[] DenseProbability { get; set; } = [];
}

/// <summary>ML.NET's binary columns: Score (the logit, so 0 is the 0.5 threshold), Probability, PredictedLabel.</summary>
public sealed class DenseBinaryColumns
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public bool PredictedLabel { get; set; }
}

[CustomMappingFactoryAttribute(ContractName)]
public sealed class DenseBinaryMapping : CustomMappingFactory<DenseBinaryOnnxOutput, DenseBinaryColumns>
{
    public const string ContractName = "PipelineGen.DenseBinaryOutput";
    public static void Map(DenseBinaryOnnxOutput input, DenseBinaryColumns output)
    {
        output.Score = input.DenseLogit[0];
        output.Probability = input.DenseProbability[0];
        output.PredictedLabel = input.DenseLogit[0] > 0f;
    }
    public override Action<DenseBinaryOnnxOutput, DenseBinaryColumns> GetMapping() => Map;
}

/// <summary>ONNX output of a regression network.</summary>
public sealed class DenseRegressionOnnxOutput
{
    [VectorType(1), ColumnName(DenseColumns.Value)] public float[] DenseValue { get; set; } = [];
}

public sealed class DenseRegressionColumns
{
    public float Score { get; set; }
}

[CustomMappingFactoryAttribute(ContractName)]
public sealed class DenseRegressionMapping : CustomMappingFactory<DenseRegressionOnnxOutput, DenseRegressionColumns>
{
    public const string ContractName = "PipelineGen.DenseRegressionOutput";
    public static void Map(DenseRegressionOnnxOutput input, DenseRegressionColumns output) => output.Score = input.DenseValue[0];
    public override Action<DenseRegressionOnnxOutput, DenseRegressionColumns> GetMapping() => Map;
}

/// <summary>A multiclass network's probabilities (its Score column).</summary>
public sealed class DenseClassScores
{
    [VectorType] public float[] Score { get; set; } = [];
}

/// <summary>The index (0-based, as a float for ML.NET's value mapping) of the most probable class; ties go to the first.</summary>
public sealed class DenseClassIndex
{
    [ColumnName(DenseColumns.ClassIndex)] public float DenseClass { get; set; }
}

[CustomMappingFactoryAttribute(ContractName)]
public sealed class DenseArgmaxMapping : CustomMappingFactory<DenseClassScores, DenseClassIndex>
{
    public const string ContractName = "PipelineGen.DenseArgmax";
    public static void Map(DenseClassScores input, DenseClassIndex output)
    {
        var best = 0;
        for (var i = 1; i < input.Score.Length; i++)
            if (input.Score[i] > input.Score[best]) best = i;
        output.DenseClass = best;
    }
    public override Action<DenseClassScores, DenseClassIndex> GetMapping() => Map;
}

/// <summary>Registers the dense network's mappings with an MLContext, so a saved model that holds them loads.</summary>
internal static class DenseModelLoading
{
    public static void Register(MLContext mlContext) => mlContext.ComponentCatalog.RegisterAssembly(typeof(DenseModelLoading).Assembly);
}
