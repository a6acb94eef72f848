namespace PipelineGen.Runtime.Exploration;

/// <summary>Summary statistics of numbers (or of text lengths, or of dates as OLE automation days).
/// <c>QuantilesFromSample</c>: median and quartiles come from a uniform reservoir sample, not from every row.</summary>
internal sealed record NumericSummary(double Min, double Max, double Mean, double StdDev, double Median,
    double Q1, double Q3, bool QuantilesFromSample);
