using PipelineGen.Runtime;
using PipelineGen.Runtime.Exploration;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>The pipelines and reports the tests share: each report is computed once per test run.</summary>
internal static class ExplorationFixtures
{
    public static CsvTestPipeline Titanic() => CsvTestPipeline.For(CsvTestPipeline.Data("titanic_300.csv"),
        MlTaskKind.BinaryClassification, "survived", new Dictionary<string, ColumnKind>
        {
            ["survived"] = ColumnKind.Numeric, ["pclass"] = ColumnKind.Numeric, ["age"] = ColumnKind.Numeric,
            ["sibsp"] = ColumnKind.Numeric, ["parch"] = ColumnKind.Numeric, ["fare"] = ColumnKind.Numeric,
            ["adult_male"] = ColumnKind.Boolean, ["alone"] = ColumnKind.Boolean,
        });

    public static CsvTestPipeline Taxis(string? testFile = null) => CsvTestPipeline.For(CsvTestPipeline.Data("taxis_train.csv"),
        MlTaskKind.Regression, "fare", new Dictionary<string, ColumnKind>
        {
            ["pickup"] = ColumnKind.DateTime, ["dropoff"] = ColumnKind.DateTime, ["passengers"] = ColumnKind.Numeric,
            ["distance"] = ColumnKind.Numeric, ["fare"] = ColumnKind.Numeric, ["tip"] = ColumnKind.Numeric,
            ["tolls"] = ColumnKind.Numeric, ["total"] = ColumnKind.Numeric,
        }, testPath: testFile is null ? null : CsvTestPipeline.Data(testFile));

    public static CsvTestPipeline Penguins() => CsvTestPipeline.For(CsvTestPipeline.Data("penguins.csv"),
        MlTaskKind.MulticlassClassification, "species", CsvTestPipeline.Numeric("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"));

    public static CsvTestPipeline Tiny() => CsvTestPipeline.For(CsvTestPipeline.Data("stats_tiny.csv"),
        MlTaskKind.BinaryClassification, "label", new Dictionary<string, ColumnKind>
        {
            ["id"] = ColumnKind.Numeric, ["age"] = ColumnKind.Numeric, ["score"] = ColumnKind.Numeric, ["comment"] = ColumnKind.Text,
            ["extra"] = ColumnKind.Numeric,
        }, roles: new Dictionary<string, ColumnRole> { ["id"] = ColumnRole.Id }, positiveClass: "yes");

    private static readonly Lazy<ExplorationReport> titanic = new(() => DataExplorer.Explore(Titanic(), Options()));
    private static readonly Lazy<ExplorationReport> taxisShifted = new(() => DataExplorer.Explore(Taxis("taxis_long_trips.csv"), Options()));
    public static ExplorationReport TitanicReport => titanic.Value;
    public static ExplorationReport TaxisShiftedReport => taxisShifted.Value;

    public static ExploreOptions Options(string? html = null) => new()
    {
        OutputHtmlPath = html ?? Path.Combine(Synthetic.Directory(), "report.html"),
    };
}
