using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>An evaluation that cannot run as configured (bad options or data too small): exit code 2 in the CLI.</summary>
internal sealed class EvaluationException(string message) : Exception(message);
