using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>One column added to a joint leak, with the share of the remaining linear-fit error it removed.</summary>
internal sealed record JointLeakageStep(string Column, double ErrorRemoved);

/// <summary>Columns that together reconstruct a numeric label (e.g. fare = total − tip − tolls).</summary>
internal sealed record JointLeakage(IReadOnlyList<string> Seeds, IReadOnlyList<JointLeakageStep> Added, double RSquared, int Rows)
{
    public IEnumerable<string> Columns => Seeds.Concat(Added.Select(a => a.Column));
}
