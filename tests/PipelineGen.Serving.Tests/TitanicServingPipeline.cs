using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime;
using PipelineGen.Runtime.Preparation;

namespace PipelineGen.Serving.Tests;

/// <summary>The input class the generator emits for the test spec (one property per column, ML.NET attributes).</summary>
public sealed class TitanicRow
{
    [LoadColumn(0), ColumnName("survived")] public float Survived { get; set; }
    [LoadColumn(1), ColumnName("pclass")] public float Pclass { get; set; }
    [LoadColumn(2), ColumnName("sex")] public string Sex { get; set; } = "";
    [LoadColumn(3), ColumnName("age")] public float Age { get; set; } = float.NaN;
    [LoadColumn(4), ColumnName("sibsp")] public float Sibsp { get; set; }
    [LoadColumn(5), ColumnName("parch")] public float Parch { get; set; }
    [LoadColumn(6), ColumnName("fare")] public float Fare { get; set; }
    [LoadColumn(7), ColumnName("embarked")] public string? Embarked { get; set; }
}

/// <summary>The binary prediction class the generator emits.</summary>
public sealed class TitanicScore
{
    [ColumnName("PredictedLabel")] public bool PredictedLabel { get; set; }
    [ColumnName("Probability")] public float Probability { get; set; }
    [ColumnName("Score")] public float Score { get; set; }
}

/// <summary>What the generator would emit for a small titanic spec (binary, LightGBM with one thread), written by hand.</summary>
public sealed class TitanicServingPipeline(string projectDirectory, double? threshold = null) : IPipelineDefinition
{
    public PipelineSettings Settings { get; init; } = new()
    {
        DecisionThreshold = threshold,
        Name = "Titanic",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "survived",
        PositiveClass = "1",
        Metric = "auc",
        TrainerName = "lightgbm",
        TrainDataPath = "titanic_train.csv",
        ProjectDirectory = projectDirectory,
        Columns =
        [
            new("survived", 0, "Survived", ColumnKind.Numeric, ColumnRole.Label, false),
            new("pclass", 1, "Pclass", ColumnKind.Numeric, ColumnRole.Feature, false),
            new("sex", 2, "Sex", ColumnKind.Categorical, ColumnRole.Feature, false),
            new("age", 3, "Age", ColumnKind.Numeric, ColumnRole.Feature, true),
            new("sibsp", 4, "Sibsp", ColumnKind.Numeric, ColumnRole.Feature, false),
            new("parch", 5, "Parch", ColumnKind.Numeric, ColumnRole.Feature, false),
            new("fare", 6, "Fare", ColumnKind.Numeric, ColumnRole.Feature, false),
            new("embarked", 7, "Embarked", ColumnKind.Categorical, ColumnRole.Feature, true),
        ],
    };

    public IDataView LoadData(MLContext mlContext, string path) => PipelineGen.Runtime.Data.DelimitedData.Load(mlContext, new TextLoader.Options
    {
        HasHeader = true,
        Separators = [','],
        AllowQuoting = true,
        MissingRealsAsNaNs = true,
        Columns =
        [
            new("survived", DataKind.Single, 0),
            new("pclass", DataKind.Single, 1),
            new("sex", DataKind.String, 2),
            new("age", DataKind.Single, 3),
            new("sibsp", DataKind.Single, 4),
            new("parch", DataKind.Single, 5),
            new("fare", DataKind.Single, 6),
            new("embarked", DataKind.String, 7),
        ],
    }, path, Settings);

    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) =>
        mlContext.Transforms.Expression("Label", "x : x > 0.5", "survived")
            .Append(mlContext.Transforms.ReplaceMissingWithMedian("age"))
            .Append(mlContext.Transforms.Categorical.OneHotEncoding([new("sex"), new("embarked")]))
            .Append(mlContext.Transforms.Concatenate("Features", "pclass", "sex", "age", "sibsp", "parch", "fare", "embarked"));

    /// <summary>Iterations: tests that replace the model train a second one with another value.</summary>
    public int Iterations { get; init; } = 30;

    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) =>
        mlContext.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = Iterations,
            LearningRate = 0.2,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = 1,
        });

    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => BuildPreprocessing(mlContext).Append(BuildTrainer(mlContext));

    /// <summary>A project folder in temp with the titanic files copied in.</summary>
    public static string NewProjectDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("pg-serve-").FullName;
        foreach (var file in new[] { "titanic_train.csv", "titanic_test.csv" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", file), Path.Combine(dir, file));
        return dir;
    }
}
