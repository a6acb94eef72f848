using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace PipelineGen.Runtime.Tests.Evaluation;

/// <summary>
/// Hand-written stand-ins for generated pipelines: the loader and catalog calls the generator emits
/// (TextLoader with MissingRealsAsNaNs and quoting, label mapping, one-hot, missing-value replacement, min-max).
/// </summary>
public abstract class TestPipeline(PipelineSettings settings) : IPipelineDefinition
{
    public PipelineSettings Settings { get; } = settings;

    // As generated code loads: the loader fed the shared reading of each line.
    public IDataView LoadData(MLContext mlContext, string path) =>
        PipelineGen.Runtime.Data.DelimitedData.Load(mlContext, new TextLoader.Options
        {
            Separators = [Settings.Separator],
            HasHeader = Settings.HasHeader,
            AllowQuoting = true,
            MissingRealsAsNaNs = true,
            Columns = Settings.Columns.Select(c => new TextLoader.Column(c.Name, PipelineSteps.DataKindOf(c.Kind), c.Index)).ToArray(),
        }, path, Settings);

    public abstract IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext);
    public abstract IEstimator<ITransformer> BuildTrainer(MLContext mlContext);
    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => BuildPreprocessing(mlContext).Append(BuildTrainer(mlContext));

    /// <summary>Numeric features: NaN → mean, then concatenated with one-hot categoricals and scaled to [0, 1].</summary>
    protected IEstimator<ITransformer> Features(MLContext ml)
    {
        var numeric = Settings.Features.Where(c => c.Kind == ColumnKind.Numeric).Select(c => c.Name).ToArray();
        var categorical = Settings.Features.Where(c => c.Kind == ColumnKind.Categorical).Select(c => c.Name).ToArray();
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (numeric.Length > 0)
            chain = chain.Append(ml.Transforms.ReplaceMissingValues(numeric.Select(n => new InputOutputColumnPair(n, n)).ToArray()));
        if (categorical.Length > 0)
            chain = chain.Append(ml.Transforms.Categorical.OneHotEncoding(categorical.Select(n => new InputOutputColumnPair(n + "_onehot", n)).ToArray()));
        return chain
            .Append(ml.Transforms.Concatenate("Features", [.. numeric, .. categorical.Select(n => n + "_onehot")]))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .AppendCacheCheckpoint(ml);
    }

    public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "evaluation", file);

    public static ColumnInfo Column(string name, int index, ColumnKind kind, ColumnRole role = ColumnRole.Feature) =>
        new(name, index, name, kind, role, HasMissing: false);
}

internal static class TestSettings
{
    /// <summary>The settings with only <paramref name="features"/> as features (all of them when none are named).</summary>
    public static PipelineSettings WithFeatures(this PipelineSettings settings, string[] features) => features.Length == 0 ? settings : settings with
    {
        Columns = settings.Columns.Select(c => c.Role == ColumnRole.Feature && !features.Contains(c.Name) ? c with { Role = ColumnRole.Ignore } : c).ToArray(),
    };
}

/// <summary>Binary: a string label mapped to bool with the positive class, SDCA logistic regression (calibrated).</summary>
public sealed class BinaryPipeline(PipelineSettings settings) : TestPipeline(settings)
{
    public override IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
        // Values other than the positive class map to false (ValueMapping's default for an unknown key).
        ml.Transforms.Conversion.MapValue("Label", [new KeyValuePair<string, bool>(Settings.PositiveClass!, true)], Settings.LabelColumn)
            .Append(Features(ml));

    public override IEstimator<ITransformer> BuildTrainer(MLContext ml) =>
        ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 20,
        });

    /// <summary>Titanic subset: survived (positive "1") from class, sex, age (with missing values), fare, port.</summary>
    public static BinaryPipeline Titanic(Func<PipelineSettings, PipelineSettings>? change = null)
    {
        var settings = new PipelineSettings
        {
            Name = "Titanic",
            Task = MlTaskKind.BinaryClassification,
            LabelColumn = "survived",
            PositiveClass = "1",
            TrainerName = "sdca_logistic_regression",
            TrainDataPath = DataPath("titanic.csv"),
            Columns =
            [
                Column("survived", 0, ColumnKind.Categorical, ColumnRole.Label),
                Column("pclass", 1, ColumnKind.Numeric),
                Column("sex", 2, ColumnKind.Categorical),
                Column("age", 3, ColumnKind.Numeric),
                Column("fare", 4, ColumnKind.Numeric),
                Column("embarked", 5, ColumnKind.Categorical),
            ],
        };
        return new BinaryPipeline(change?.Invoke(settings) ?? settings);
    }

    /// <summary>A file of one numeric feature 'x' and a text label 'label' (columns in that order), positive <paramref name="positiveClass"/>.</summary>
    public static BinaryPipeline OneFeature(string name, string dataPath, string positiveClass) => new(new PipelineSettings
    {
        Name = name,
        Task = MlTaskKind.BinaryClassification,
        LabelColumn = "label",
        PositiveClass = positiveClass,
        TrainerName = "sdca_logistic_regression",
        TrainDataPath = dataPath,
        Columns = [Column("x", 0, ColumnKind.Numeric), Column("label", 1, ColumnKind.Categorical, ColumnRole.Label)],
    });
}

/// <summary>Multiclass: label to key, SDCA maximum entropy, predicted key mapped back to the label's values.</summary>
public sealed class MulticlassPipeline(PipelineSettings settings) : TestPipeline(settings)
{
    public override IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label", Settings.LabelColumn).Append(Features(ml));

    public override IEstimator<ITransformer> BuildTrainer(MLContext ml) =>
        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 20,
        }).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));

    public static MulticlassPipeline Iris(Func<PipelineSettings, PipelineSettings>? change = null)
    {
        var settings = new PipelineSettings
        {
            Name = "Iris",
            Task = MlTaskKind.MulticlassClassification,
            LabelColumn = "species",
            TrainerName = "sdca_maximum_entropy",
            TrainDataPath = DataPath("iris.csv"),
            Columns =
            [
                Column("sepal_length", 0, ColumnKind.Numeric),
                Column("sepal_width", 1, ColumnKind.Numeric),
                Column("petal_length", 2, ColumnKind.Numeric),
                Column("petal_width", 3, ColumnKind.Numeric),
                Column("species", 4, ColumnKind.Categorical, ColumnRole.Label),
            ],
        };
        return new MulticlassPipeline(change?.Invoke(settings) ?? settings);
    }

    /// <summary>
    /// Penguins (344 rows, 3 species 152/124/68, a few measurements missing) from the exploration fixture; with
    /// <paramref name="features"/>, only those columns are features (the others are ignored).
    /// </summary>
    public static MulticlassPipeline Penguins(params string[] features) => new(new PipelineSettings
    {
        Name = "Penguins",
        Task = MlTaskKind.MulticlassClassification,
        LabelColumn = "species",
        TrainerName = "sdca_maximum_entropy",
        TrainDataPath = Path.Combine(AppContext.BaseDirectory, "TestData", "exploration", "penguins.csv"),
        Columns =
        [
            Column("species", 0, ColumnKind.Categorical, ColumnRole.Label),
            Column("island", 1, ColumnKind.Categorical),
            Column("bill_length_mm", 2, ColumnKind.Numeric),
            Column("bill_depth_mm", 3, ColumnKind.Numeric),
            Column("flipper_length_mm", 4, ColumnKind.Numeric),
            Column("body_mass_g", 5, ColumnKind.Numeric),
            Column("sex", 6, ColumnKind.Categorical),
        ],
    }.WithFeatures(features));
}

/// <summary>Multiclass LightGBM of a given size (the generated code's shape: label to key, predicted key back to the label's values).</summary>
public sealed class MulticlassLightGbmPipeline(PipelineSettings settings, int leaves, double learningRate) : TestPipeline(settings)
{
    public override IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
        ml.Transforms.Conversion.MapValueToKey("Label", Settings.LabelColumn).Append(Features(ml));

    public override IEstimator<ITransformer> BuildTrainer(MLContext ml) =>
        ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            NumberOfLeaves = leaves, LearningRate = learningRate, NumberOfIterations = 30, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1, Seed = 1,
        }).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabelValue", "PredictedLabel"));
}

/// <summary>Regression: LightGBM with one thread and a fixed seed.</summary>
public sealed class RegressionPipeline(PipelineSettings settings) : TestPipeline(settings)
{
    public override IEstimator<ITransformer> BuildPreprocessing(MLContext ml) =>
        ml.Transforms.CopyColumns("Label", Settings.LabelColumn).Append(Features(ml));

    public override IEstimator<ITransformer> BuildTrainer(MLContext ml) =>
        ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            LabelColumnName = "Label",
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            NumberOfIterations = 40,
            MinimumExampleCountPerLeaf = 10,
            Seed = Settings.Seed,
            Deterministic = true,
        });

    public static RegressionPipeline Wine()
    {
        string[] names = ["fixed_acidity", "volatile_acidity", "citric_acid", "residual_sugar", "chlorides", "free_sulfur_dioxide",
            "total_sulfur_dioxide", "density", "pH", "sulphates", "alcohol"];
        return new RegressionPipeline(new PipelineSettings
        {
            Name = "Wine",
            Task = MlTaskKind.Regression,
            LabelColumn = "quality",
            TrainerName = "lightgbm",
            TrainDataPath = DataPath("wine.csv"),
            Columns = [.. names.Select((n, i) => Column(n, i, ColumnKind.Numeric)), Column("quality", 11, ColumnKind.Numeric, ColumnRole.Label)],
        });
    }
}

/// <summary>Writes small CSV files for a test and deletes them afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pg-eval-" + Guid.NewGuid().ToString("N")[..8]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Write(string name, string content)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
