using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// Calendar features [year, month, day, day_of_week, day_of_year, hour, minute] from a DateTime (or ISO-8601 text)
/// column. CustomMapping needs fixed column names, so the input is copied to a scratch name, mapped, copied out and the
/// scratch columns dropped; the mapping is saved by contract name and <c>Training.ModelStore.Load</c> registers
/// this assembly so it loads again.
/// </summary>
internal static class DateTimeFeatureMapping
{
    public const int Length = 7;
    public static readonly string[] SlotNames = ["year", "month", "day", "day_of_week", "day_of_year", "hour", "minute"];

    internal const string ScratchInput = "__pg_datetime_in";
    internal const string ScratchOutput = "__pg_datetime_features";

    public static IEstimator<ITransformer> Create(MLContext ml, string outputColumnName, string inputColumnName) =>
        new DateTimeFeaturesEstimator(ml, outputColumnName, inputColumnName);

    public static void Fill(DateTime? value, float[] features)
    {
        // A missing date (unparsable text, or the loader's default) gives NaN features: downstream imputers see "missing".
        if (value is not { } d || d == default)
        {
            Array.Fill(features, float.NaN);
            return;
        }
        features[0] = d.Year;
        features[1] = d.Month;
        features[2] = d.Day;
        features[3] = (int)d.DayOfWeek;
        features[4] = d.DayOfYear;
        features[5] = d.Hour;
        features[6] = d.Minute;
    }
}

/// <summary>Picks the DateTime or text mapping from the input column's type at Fit time.</summary>
internal sealed class DateTimeFeaturesEstimator(MLContext ml, string output, string input) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView data) => Build(data.Schema.GetColumnOrNull(input)?.Type
        ?? throw new ArgumentException($"DateTime features: column '{input}' is not in the data.")).Fit(data);

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = inputSchema.Where(c => c.Name == input).Select(c => (SchemaShape.Column?)c).LastOrDefault()
            ?? throw new ArgumentException($"DateTime features: column '{input}' is not in the data.");
        // Shape-level: the scratch mapping chain computes the vector column; only the item kind matters here.
        var isText = column.ItemType is TextDataViewType;
        return Build(isText ? TextDataViewType.Instance : DateTimeDataViewType.Instance).GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> Build(DataViewType inputType)
    {
        IEstimator<ITransformer> map = inputType switch
        {
            DateTimeDataViewType => ml.Transforms.CustomMapping(new DateTimeFeaturesFactory().GetMapping(), DateTimeFeaturesFactory.ContractName),
            TextDataViewType => ml.Transforms.CustomMapping(new DateTimeTextFeaturesFactory().GetMapping(), DateTimeTextFeaturesFactory.ContractName),
            _ => throw new ArgumentException($"DateTime features: column '{input}' is {inputType}; expected DateTime or ISO-8601 text."),
        };
        return ml.Transforms.CopyColumns(DateTimeFeatureMapping.ScratchInput, input)
            .Append(map)
            .Append(ml.Transforms.CopyColumns(output, DateTimeFeatureMapping.ScratchOutput))
            .Append(ml.Transforms.DropColumns(DateTimeFeatureMapping.ScratchInput, DateTimeFeatureMapping.ScratchOutput));
    }
}

public sealed class DateTimeFeaturesInput
{
    [ColumnName(DateTimeFeatureMapping.ScratchInput)]
    public DateTime Value { get; set; }
}

public sealed class DateTimeTextFeaturesInput
{
    [ColumnName(DateTimeFeatureMapping.ScratchInput)]
    public string? Value { get; set; }
}

public sealed class DateTimeFeaturesOutput
{
    [ColumnName(DateTimeFeatureMapping.ScratchOutput)]
    [VectorType(DateTimeFeatureMapping.Length)]
    public float[] Features { get; set; } = new float[DateTimeFeatureMapping.Length];
}

/// <summary>Saved by contract name; ModelStore.Load registers this assembly so ML.NET finds it again.</summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class DateTimeFeaturesFactory : CustomMappingFactory<DateTimeFeaturesInput, DateTimeFeaturesOutput>
{
    public const string ContractName = "PipelineGen.DateTimeFeatures.v1";

    public override Action<DateTimeFeaturesInput, DateTimeFeaturesOutput> GetMapping() => static (input, output) =>
    {
        output.Features ??= new float[DateTimeFeatureMapping.Length];
        DateTimeFeatureMapping.Fill(input.Value, output.Features);
    };
}

[CustomMappingFactoryAttribute(ContractName)]
public sealed class DateTimeTextFeaturesFactory : CustomMappingFactory<DateTimeTextFeaturesInput, DateTimeFeaturesOutput>
{
    public const string ContractName = "PipelineGen.DateTimeTextFeatures.v1";

    public override Action<DateTimeTextFeaturesInput, DateTimeFeaturesOutput> GetMapping() => static (input, output) =>
    {
        output.Features ??= new float[DateTimeFeatureMapping.Length];
        DateTime? parsed = DateTime.TryParse(input.Value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null;
        DateTimeFeatureMapping.Fill(parsed, output.Features);
    };
}
