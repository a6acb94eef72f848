using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Preparation;

internal sealed class BlankCategoricalsEstimator(IEstimator<ITransformer> inner, string[] columnNames, double fraction, int seed) : IEstimator<ITransformer>
{
    public ITransformer Fit(IDataView input) => inner.Fit(new BlankedCopiesDataView(input, columnNames, fraction, seed));

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inner.GetOutputSchema(inputSchema);
}
