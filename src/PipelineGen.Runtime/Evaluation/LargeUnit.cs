using Microsoft.ML;
using PipelineGen.Runtime.Data;

namespace PipelineGen.Runtime.Evaluation;

/// <summary>A unit (rows kept together) too large for a balanced assignment.</summary>
/// <param name="Rows">Rows in the unit.</param>
/// <param name="Share">Its share of the rows used.</param>
/// <param name="FirstRow">Zero-based loader row of its first row.</param>
/// <param name="ByGroup">Joined (at least partly) by the group column, not only by identical content.</param>
/// <param name="ClassMix">Classification: rows per class name in the unit.</param>
internal sealed record LargeUnit(int Rows, double Share, int FirstRow, bool ByGroup, IReadOnlyList<KeyValuePair<string, int>> ClassMix);
