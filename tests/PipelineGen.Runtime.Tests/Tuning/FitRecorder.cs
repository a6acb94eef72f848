using Microsoft.ML;

namespace PipelineGen.Runtime.Tests.Tuning;

/// <summary>An estimator that reports how many rows it is fitted on, then fits the one it wraps: what a test sees of a rung's budget.</summary>
internal sealed class FitRecorder(IEstimator<ITransformer> inner, Action<long> fitted) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input)
    {
        long rows = input.GetRowCount() ?? Count(input);
        fitted(rows);
        return inner.Fit(input);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);

    private static long Count(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
