using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime;

namespace PipelineGen.Runtime.Tests.Exploration;

/// <summary>
/// Stands in for a generated pipeline: loads a CSV with the column layout of its settings, typed as the generator
/// types them (numeric → float, boolean → bool, the rest → text). Explore only calls <see cref="LoadData"/>.
/// </summary>
internal sealed class CsvTestPipeline(PipelineSettings settings) : IPipelineDefinition
{
    public PipelineSettings Settings { get; } = settings;

    public IDataView LoadData(MLContext mlContext, string path)
    {
        var columns = Settings.Columns.Select(c => new TextLoader.Column(c.Name, c.Kind switch
        {
            ColumnKind.Numeric => DataKind.Single,
            ColumnKind.Boolean => DataKind.Boolean,
            _ => DataKind.String,
        }, c.Index)).ToArray();
        // As generated code loads: the loader fed the shared reading of each line.
        return PipelineGen.Runtime.Data.DelimitedData.Load(mlContext, new TextLoader.Options
        {
            Columns = columns,
            HasHeader = Settings.HasHeader,
            Separators = [Settings.Separator],
            AllowQuoting = true,
            MissingRealsAsNaNs = true,
        }, path, Settings);
    }

    public IEstimator<ITransformer> BuildPreprocessing(MLContext mlContext) => throw new NotSupportedException("explore does not train the pipeline");
    public IEstimator<ITransformer> BuildTrainer(MLContext mlContext) => throw new NotSupportedException("explore does not train the pipeline");
    public IEstimator<ITransformer> BuildPipeline(MLContext mlContext) => throw new NotSupportedException("explore does not train the pipeline");

    /// <summary>Settings for a file whose header gives the columns; kinds by name, everything else categorical.</summary>
    public static CsvTestPipeline For(string path, MlTaskKind task, string label, IDictionary<string, ColumnKind>? kinds = null,
        IDictionary<string, ColumnRole>? roles = null, string? testPath = null, string? positiveClass = null)
    {
        var header = File.ReadLines(path).First().Split(',');
        var columns = header.Select((name, i) => new ColumnInfo(name, i, name, kinds?.TryGetValue(name, out var k) == true ? k : ColumnKind.Categorical,
            name == label ? ColumnRole.Label : roles?.TryGetValue(name, out var r) == true ? r : ColumnRole.Feature, false)).ToArray();
        return new CsvTestPipeline(new PipelineSettings
        {
            Name = Path.GetFileNameWithoutExtension(path),
            Task = task,
            LabelColumn = label,
            PositiveClass = positiveClass,
            TrainerName = "LightGbm",
            TrainDataPath = path,
            TestDataPath = testPath,
            ProjectDirectory = Path.GetDirectoryName(path)!,
            Columns = columns,
        });
    }

    public static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "exploration", file);

    public static IDictionary<string, ColumnKind> Numeric(params string[] names) => names.ToDictionary(n => n, _ => ColumnKind.Numeric);
}
