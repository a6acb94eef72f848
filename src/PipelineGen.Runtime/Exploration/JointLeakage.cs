using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

/// <summary>One column added to a joint leak, with the share of the remaining linear-fit error it removed.</summary>
internal sealed record JointLeakageStep(string Column, double ErrorRemoved);

/// <summary>Columns that together reconstruct a numeric label (e.g. fare = total − tip − tolls).</summary>
internal sealed record JointLeakage(IReadOnlyList<string> Seeds, IReadOnlyList<JointLeakageStep> Added, double RSquared, int Rows)
{
    public IEnumerable<string> Columns => Seeds.Concat(Added.Select(a => a.Column));

    /// <summary>The columns fitted before added step <paramref name="step"/>: its ErrorRemoved is a share of what they leave.</summary>
    public string FittedBefore(int step) => string.Join(" + ", Seeds.Concat(Added.Take(step).Select(a => a.Column)));

    /// <summary>"'tip' removes 67.4% of the error a linear fit on total leaves": the forward step, said as measured.</summary>
    public string StepShare(int step, string quote = "'") =>
        $"{quote}{Added[step].Column}{quote} removes {Fmt.Percent(Added[step].ErrorRemoved)} of the error a linear fit on {FittedBefore(step)} leaves";
}
