using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Preparation;

/// <summary>
/// NaN → the column's median at Fit time. Fit streams the one column (keeping only its non-missing floats), then returns
/// ML.NET's own missing-value replacer holding the median, so the fitted model saves and loads with no registration and
/// exports to ONNX (an Imputer node). ML.NET has no median mode, so the replacer is fitted in 'Minimum' mode on a one-row
/// view whose only value is the median: the minimum of one value is that value, exactly. (An expression transform
/// `isna(x) ? median : x` did the same before, but ML.NET's ONNX converter cannot save expressions: Titanic and Penguins
/// failed to export.)
/// </summary>
internal sealed class MedianImputerEstimator : IEstimator<ITransformer>
{
    private readonly MLContext _ml;
    private readonly string _output;
    private readonly string _input;

    public MedianImputerEstimator(MLContext ml, string outputColumnName, string inputColumnName)
    {
        _ml = ml;
        _output = outputColumnName;
        _input = inputColumnName;
    }

    public ITransformer Fit(IDataView input)
    {
        ImputationColumns.RequireFloatScalar(input.Schema, _input, "median imputation");
        var values = new List<float>();
        using (var cursor = input.GetRowCursor([input.Schema[_input]]))
        {
            var getter = cursor.GetGetter<float>(input.Schema[_input]);
            float value = 0;
            while (cursor.MoveNext())
            {
                getter(ref value);
                if (!float.IsNaN(value))
                    values.Add(value);
            }
        }
        // A column with no value at all gets 0: there is nothing better to learn, and serving must still produce a number.
        var median = values.Count == 0 ? 0f : Median(values);
        var fitted = MedianReplacer().Fit(OneValue(median));
        PreparationLog.Record(fitted, string.Create(CultureInfo.InvariantCulture,
            $"{_output}: missing {_input} replaced by the median {median:R} of {values.Count} present values"));
        return fitted;
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => MedianReplacer().GetOutputSchema(inputSchema);

    private IEstimator<ITransformer> MedianReplacer() =>
        _ml.Transforms.ReplaceMissingValues(_output, _input, Microsoft.ML.Transforms.MissingValueReplacingEstimator.ReplacementMode.Minimum);

    /// <summary>A one-row view whose column named like the input holds <paramref name="value"/>.</summary>
    private IDataView OneValue(float value)
    {
        var definition = Microsoft.ML.Data.SchemaDefinition.Create(typeof(OneFloat));
        definition[0].ColumnName = _input;
        return _ml.Data.LoadFromEnumerable(new[] { new OneFloat { Value = value } }, definition);
    }

    // Public (in an internal class): ML.NET reads it through generated accessors.
    public sealed class OneFloat
    {
        public float Value { get; set; }
    }

    // MathNet's median: the middle value, or the mean of the two middle values (in double, then rounded to float).
    internal static float Median(List<float> values) =>
        (float)MathNet.Numerics.Statistics.Statistics.Median(values.Select(v => (double)v));
}
