using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>One split's validation rows scored by the model fitted on its training part.</summary>
internal sealed record ScoredSplit(int Index, MLContext Context, IDataView Scored);
