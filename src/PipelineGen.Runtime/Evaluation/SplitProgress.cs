using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

internal sealed record SplitProgress(int Completed, int Total, string Split);
