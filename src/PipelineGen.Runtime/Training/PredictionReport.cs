using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PipelineGen.Runtime.Data;
using PipelineGen.Shared;

namespace PipelineGen.Runtime.Training;

/// <summary>Bad input to predict that is not a bad data row: a path, the output location, the JSON row, a model that does not fit. Exit code 2.</summary>
internal sealed class PredictInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What scoring a CSV file did: rows written, notes about the file's layout, warnings about its values.</summary>
internal sealed record PredictionReport(long Rows, IReadOnlyList<string> Notes, IReadOnlyList<string> Warnings);
