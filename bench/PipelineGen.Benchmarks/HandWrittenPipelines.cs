using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace PipelineGen.Benchmarks;

/// <summary>
/// The training cases written by hand with ML.NET catalog calls, as a user without PipelineGen would: the same loader
/// options, transforms, trainer options (threads = 1) and seed as the generated code. This is the baseline.
/// </summary>
internal static class HandWrittenPipelines
{
    public static IDataView LoadTitanic(MLContext ml, string path) => ml.Data.LoadFromTextFile(path, new TextLoader.Options
    {
        Separators = new[] { ',' },
        HasHeader = true,
        AllowQuoting = true,
        MissingRealsAsNaNs = true,
        Columns = new[]
        {
            new TextLoader.Column("survived", DataKind.Single, 0),
            new TextLoader.Column("pclass", DataKind.String, 1),
            new TextLoader.Column("name", DataKind.String, 2),
            new TextLoader.Column("sex", DataKind.String, 3),
            new TextLoader.Column("age", DataKind.Single, 4),
            new TextLoader.Column("sibsp", DataKind.Single, 5),
            new TextLoader.Column("parch", DataKind.Single, 6),
            new TextLoader.Column("ticket", DataKind.String, 7),
            new TextLoader.Column("fare", DataKind.Single, 8),
            new TextLoader.Column("cabin", DataKind.String, 9),
            new TextLoader.Column("embarked", DataKind.String, 10),
        },
    });

    public static IDataView LoadTaxis(MLContext ml, string path) => ml.Data.LoadFromTextFile(path, new TextLoader.Options
    {
        Separators = new[] { ',' },
        HasHeader = true,
        AllowQuoting = true,
        MissingRealsAsNaNs = true,
        Columns = new[]
        {
            new TextLoader.Column("pickup", DataKind.DateTime, 0),
            new TextLoader.Column("dropoff", DataKind.DateTime, 1),
            new TextLoader.Column("passengers", DataKind.Single, 2),
            new TextLoader.Column("distance", DataKind.Single, 3),
            new TextLoader.Column("fare", DataKind.Single, 4),
            new TextLoader.Column("tip", DataKind.Single, 5),
            new TextLoader.Column("tolls", DataKind.Single, 6),
            new TextLoader.Column("total", DataKind.Single, 7),
            new TextLoader.Column("color", DataKind.String, 8),
            new TextLoader.Column("payment", DataKind.String, 9),
            new TextLoader.Column("pickup_zone", DataKind.String, 10),
            new TextLoader.Column("dropoff_zone", DataKind.String, 11),
            new TextLoader.Column("pickup_borough", DataKind.String, 12),
            new TextLoader.Column("dropoff_borough", DataKind.String, 13),
        },
    });

    private const string MissingTokensToCategory = "x : x == \"\" || x == \"?\" || x == \"NA\" || x == \"NaN\" || x == \"null\" ? \"(missing)\" : x";

    /// <summary>As the generated code does: missing tokens become one "(missing)" category, then one-hot.</summary>
    private static IEstimator<ITransformer> OneHotWithMissing(MLContext ml, string output, string input) =>
        ml.Transforms.Expression(output + "_filled", MissingTokensToCategory, input)
            .Append(ml.Transforms.Categorical.OneHotEncoding(output, output + "_filled"));

    public static IEstimator<ITransformer> TitanicFeatures(MLContext ml, bool normalize)
    {
        IEstimator<ITransformer> p = ml.Transforms.Conversion.MapValue("Label", new[] { new KeyValuePair<float, bool>(0f, false), new KeyValuePair<float, bool>(1f, true) }, "survived")
            .Append(OneHotWithMissing(ml, "__Pclass", "pclass"))
            .Append(ml.Transforms.Text.FeaturizeText("__Name", new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false },
                KeepDiacritics = true,
            }, "name"))
            .Append(OneHotWithMissing(ml, "__Sex", "sex"))
            .Append(ml.Transforms.ReplaceMissingValues("__Age", "age", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(ml.Transforms.ReplaceMissingValues("__Sibsp", "sibsp", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(ml.Transforms.ReplaceMissingValues("__Parch", "parch", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(ml.Transforms.ReplaceMissingValues("__Fare", "fare", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(OneHotWithMissing(ml, "__Embarked", "embarked"))
            .Append(ml.Transforms.Concatenate("Features", "__Pclass", "__Name", "__Sex", "__Age", "__Sibsp", "__Parch", "__Fare", "__Embarked"));
        return normalize ? p.Append(ml.Transforms.NormalizeMinMax("Features")) : p;
    }

    private static IEstimator<ITransformer> TaxisFeatures(MLContext ml, bool normalize)
    {
        IEstimator<ITransformer> p = ml.Transforms.CopyColumns("Label", "fare")
            .Append(ml.Transforms.ReplaceMissingValues("__Passengers", "passengers", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(ml.Transforms.ReplaceMissingValues("__Distance", "distance", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(OneHotWithMissing(ml, "__Payment", "payment"))
            .Append(OneHotWithMissing(ml, "__PickupZone", "pickup_zone"))
            .Append(OneHotWithMissing(ml, "__DropoffZone", "dropoff_zone"))
            .Append(OneHotWithMissing(ml, "__PickupBorough", "pickup_borough"))
            .Append(OneHotWithMissing(ml, "__DropoffBorough", "dropoff_borough"))
            .Append(ml.Transforms.Concatenate("Features", "__Passengers", "__Distance", "__Payment", "__PickupZone", "__DropoffZone", "__PickupBorough", "__DropoffBorough"));
        return normalize ? p.Append(ml.Transforms.NormalizeMinMax("Features")) : p;
    }

    /// <summary>
    /// TitanicLightGbm written in the generator's statement style: a variable typed IEstimator&lt;ITransformer&gt;, reassigned
    /// on every Append. Same estimators and options as the fluent version; used to explain an allocation difference.
    /// </summary>
    public static IEstimator<ITransformer> TitanicLightGbmStatementStyle(MLContext ml)
    {
        IEstimator<ITransformer> p = ml.Transforms.Conversion.MapValue("Label", new[] { new KeyValuePair<float, bool>(0f, false), new KeyValuePair<float, bool>(1f, true) }, "survived");
        p = p.Append(ml.Transforms.Expression("__Pclass_filled", MissingTokensToCategory, "pclass"));
        p = p.Append(ml.Transforms.Categorical.OneHotEncoding("__Pclass", "__Pclass_filled"));
        p = p.Append(ml.Transforms.Text.FeaturizeText("__Name", new TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = false },
            KeepDiacritics = true,
        }, "name"));
        p = p.Append(ml.Transforms.Expression("__Sex_filled", MissingTokensToCategory, "sex"));
        p = p.Append(ml.Transforms.Categorical.OneHotEncoding("__Sex", "__Sex_filled"));
        p = p.Append(ml.Transforms.ReplaceMissingValues("__Age", "age", MissingValueReplacingEstimator.ReplacementMode.Mean));
        p = p.Append(ml.Transforms.ReplaceMissingValues("__Sibsp", "sibsp", MissingValueReplacingEstimator.ReplacementMode.Mean));
        p = p.Append(ml.Transforms.ReplaceMissingValues("__Parch", "parch", MissingValueReplacingEstimator.ReplacementMode.Mean));
        p = p.Append(ml.Transforms.ReplaceMissingValues("__Fare", "fare", MissingValueReplacingEstimator.ReplacementMode.Mean));
        p = p.Append(ml.Transforms.Expression("__Embarked_filled", MissingTokensToCategory, "embarked"));
        p = p.Append(ml.Transforms.Categorical.OneHotEncoding("__Embarked", "__Embarked_filled"));
        p = p.Append(ml.Transforms.Concatenate("Features", "__Pclass", "__Name", "__Sex", "__Age", "__Sibsp", "__Parch", "__Fare", "__Embarked"));
        return p.Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            { NumberOfLeaves = 16, NumberOfIterations = 100, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 }));
    }

    public static IEstimator<ITransformer> Build(string caseName, MLContext ml) => caseName switch
    {
        "TitanicLightGbm" => TitanicFeatures(ml, normalize: false).Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            { NumberOfLeaves = 16, NumberOfIterations = 100, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1 })),
        "TitanicSdca" => TitanicFeatures(ml, normalize: true).Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            { MaximumNumberOfIterations = 50, NumberOfThreads = 1 })),
        "TitanicFastTree" => TitanicFeatures(ml, normalize: false).Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            { NumberOfTrees = 100, NumberOfLeaves = 16, NumberOfThreads = 1 })),
        "TaxisLightGbm" => TaxisFeatures(ml, normalize: false).Append(ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            { NumberOfLeaves = 16, NumberOfIterations = 100, NumberOfThreads = 1 })),
        "TaxisSdca" => TaxisFeatures(ml, normalize: true).Append(ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
            { MaximumNumberOfIterations = 50, NumberOfThreads = 1 })),
        "TaxisFastTree" => TaxisFeatures(ml, normalize: false).Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            { NumberOfTrees = 100, NumberOfLeaves = 16, NumberOfThreads = 1 })),
        _ => throw new ArgumentException("no hand-written pipeline for " + caseName),
    };

    public static IDataView Load(string caseName, MLContext ml, string path) =>
        caseName.StartsWith("Titanic", StringComparison.Ordinal) ? LoadTitanic(ml, path) : LoadTaxis(ml, path);
}
