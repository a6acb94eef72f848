using PipelineGen.Spec;
using PipelineGen.Spec.Data;

namespace PipelineGen.Generator.Tests.Harness;

/// <summary>Specs for the three task kinds and the schemas the build tool infers for their data (TestData/).</summary>
internal static class Fixtures
{
    public static string TestData => Path.Combine(AppContext.BaseDirectory, "TestData");

    private static InferredColumn C(string name, int index, string type, int missing = 0, params string[] values) =>
        new(name, index, type, missing, values.Length == 0 ? 100 : values.Length, values.ToEquatableArray());

    private static InferredSchema Schema(string file, int rows, params InferredColumn[] columns) =>
        new("", Path.Combine(TestData, file), rows, true, columns.ToEquatableArray(), EquatableArray<DiagnosticInfo>.Empty);

    public const string TitanicSpec = """
        # yaml-language-server: $schema=../schemas/pipeline.schema.json
        version: 1
        name: Titanic
        task:
          kind: binary
          label: survived
        data:
          train: titanic.csv
          columns:
            name: { type: text }
            ticket: { role: ignore }
            pclass: { type: categorical }
            age: { missing: median }
        metric: auc
        prepare:
          missing_indicators: true
        evaluate:
          protocol: kfold
          folds: 3
        model:
          trainer: lightgbm
          params:
            leaves: 8
            iterations: 30
            min_examples_per_leaf: 5
        """;

    public static InferredSchema TitanicSchema => Schema("titanic.csv", 300,
        C("survived", 0, "numeric", 0, "0", "1"),
        C("pclass", 1, "numeric", 0, "1", "2", "3"),
        C("name", 2, "text"),
        C("sex", 3, "categorical", 0, "female", "male"),
        C("age", 4, "numeric", 58),
        C("sibsp", 5, "numeric"),
        C("parch", 6, "numeric"),
        C("ticket", 7, "categorical"),
        C("fare", 8, "numeric"),
        C("cabin", 9, "categorical", 237),
        C("embarked", 10, "categorical", 1, "C", "Q", "S"));

    public const string IrisSpec = """
        version: 1
        name: Iris
        task: { kind: multiclass, label: species }
        data: { train: iris.csv }
        evaluate: { protocol: holdout, holdout_fraction: 0.3 }
        model:
          trainer: sdca
          params: { iterations: 50 }
        """;

    /// <summary>Iris with multiclass naive Bayes, whose Score the generated code turns into its posterior.</summary>
    public static string NaiveBayesIrisSpec => IrisSpec.Replace("trainer: sdca\n  params: { iterations: 50 }", "trainer: naive_bayes", StringComparison.Ordinal);

    public static InferredSchema IrisSchema => Schema("iris.csv", 150,
        C("sepal_length", 0, "numeric"), C("sepal_width", 1, "numeric"), C("petal_length", 2, "numeric"), C("petal_width", 3, "numeric"),
        C("species", 4, "categorical", 0, "setosa", "versicolor", "virginica"));

    public const string TaxisSpec = """
        version: 1
        name: TaxiFare
        task: { kind: regression, label: fare }
        data:
          train: taxis.csv
          columns:
            tip: { role: ignore }
            tolls: { role: ignore }
            total: { role: ignore }
            color: { role: ignore }
        prepare:
          categorical_encoding: hash
          hash_bits: 8
        model:
          trainer: fast_tree
          params: { trees: 40, leaves: 8 }
        """;

    public static InferredSchema TaxisSchema => Schema("taxis.csv", 300,
        C("pickup", 0, "datetime"), C("dropoff", 1, "datetime"), C("passengers", 2, "numeric"), C("distance", 3, "numeric"),
        C("fare", 4, "numeric"), C("tip", 5, "numeric"), C("tolls", 6, "numeric", 0, "0.0", "5.76"), C("total", 7, "numeric"),
        C("color", 8, "categorical", 0, "yellow"), C("payment", 9, "categorical", 1, "cash", "credit card"),
        C("pickup_zone", 10, "categorical", 1), C("dropoff_zone", 11, "categorical", 1),
        C("pickup_borough", 12, "categorical", 1, "Bronx", "Brooklyn", "Manhattan", "Queens"),
        C("dropoff_borough", 13, "categorical", 1, "Bronx", "Brooklyn", "Manhattan", "Queens"));

    public static IEnumerable<(string Name, string Spec, InferredSchema Schema, string File)> All => new[]
    {
        ("Binary", TitanicSpec, TitanicSchema, "titanic.csv"),
        ("Multiclass", IrisSpec, IrisSchema, "iris.csv"),
        ("Regression", TaxisSpec, TaxisSchema, "taxis.csv"),
    };
}
