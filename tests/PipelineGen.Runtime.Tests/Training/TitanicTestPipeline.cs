using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using PipelineGen.Runtime.Preparation;
using PipelineGen.Runtime.Training;

namespace PipelineGen.Runtime.Tests.Training;

/// <summary>What the generator would emit for a small titanic spec (binary, LightGBM), written by hand for the tests.</summary>
internal class TitanicTestPipeline(string projectDirectory, string? testDataPath = "titanic_test.csv") : IPipelineDefinition, ICapacityAdjustable
{
    public const string SpecHash = "test-spec-hash-0001";

    public PipelineSettings Settings { get; protected init; } = new()
    {
        Name = "Titanic",
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "survived",
        PositiveClass = "1",
        Metric = "auc",
        TrainerName = "LightGbm",
        TrainDataPath = "titanic_train.csv",
        TestDataPath = testDataPath,
        SpecHash = SpecHash,
        // As generated settings declare them (spec names): the card and the runs read these, not the trainer object.
        Hyperparameters = Declared(iterations: 40),
        CapacityHyperparameter = "iterations",
        ProjectDirectory = projectDirectory,
        Evaluation = new EvaluationSettings { Protocol = EvaluationProtocol.Holdout, HoldoutFraction = 0.25, Seed = 7 },
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

    public string CapacityParameter => "NumberOfIterations";
    public virtual int DefaultCapacity => 40;

    /// <summary>The hyperparameters <see cref="BuildTrainer(MLContext, int)"/> sets, by spec name, at <paramref name="iterations"/>.</summary>
    public static IReadOnlyDictionary<string, string> Declared(int iterations) => new Dictionary<string, string>
    {
        ["leaves"] = "8", ["iterations"] = iterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["min_examples_per_leaf"] = "5", ["learning_rate"] = "0.2", ["threads"] = "1",
    };

    public IEstimator<ITransformer> BuildTrainer(MLContext ml, int capacity) =>
        ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = capacity,
            LearningRate = 0.2,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = 1,
        });

    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => BuildTrainer(mlContext, DefaultCapacity);

    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => BuildPreprocessing(mlContext).Append(BuildTrainer(mlContext));

    /// <summary>A project folder in temp with the titanic train/test files copied in.</summary>
    public static string NewProjectDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("pg-train-").FullName;
        foreach (var file in new[] { "titanic_train.csv", "titanic_test.csv" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "training", file), Path.Combine(dir, file));
        return dir;
    }
}
