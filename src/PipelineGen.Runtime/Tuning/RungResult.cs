using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// One evaluation of a configuration at one rung of successive halving: trained on <see cref="Fraction"/> of each
/// training fold. <c>State</c>: <c>complete</c>, <c>failed</c> (with its error) or <c>stopped</c> (ended by the time
/// budget; a resume runs it again).
/// </summary>
internal sealed record RungResult(int Trial, int Rung, int Bracket, double Fraction, Configuration Configuration, string State, double? Value, double? StdDev, int Splits, string? Error, TimeSpan Duration);
