// Compiled into PipelineGen.Spec (the build's PG0107 for a binary label) and PipelineGen.Runtime (explore's stray-class
// warning), linked source like SafeText.cs: what counts as a stray label value is decided here once.
using System.Collections.Generic;

namespace PipelineGen.Shared;

/// <summary>
/// A label value in a handful of rows beside well-filled classes ('Adelei' twice among 344 penguins, a '2' in a 0/1
/// column): a typo or a stray code far more often than a real class.
/// </summary>
internal static class StrayClasses
{
    /// <summary>A class with at most this many rows (and <see cref="Share"/> of the rows) beside classes of at least <see cref="OthersMin"/> is stray.</summary>
    public const int Rows = 5;
    public const double Share = 0.01;
    public const int OthersMin = 30;

    /// <summary>
    /// Which of the classes (given by their row counts) are stray: empty unless at least two classes remain and each of
    /// them has at least <see cref="OthersMin"/> rows.
    /// </summary>
    public static bool[] Find(IReadOnlyList<long> counts)
    {
        long total = 0;
        foreach (var c in counts) total += c;
        var stray = new bool[counts.Count];
        int strays = 0, others = 0;
        long smallestOther = long.MaxValue;
        for (var i = 0; i < counts.Count; i++)
        {
            stray[i] = counts[i] <= Rows && counts[i] <= Share * total;
            if (stray[i]) strays++;
            else { others++; smallestOther = System.Math.Min(smallestOther, counts[i]); }
        }
        return strays == 0 || others < 2 || smallestOther < OthersMin ? new bool[counts.Count] : stray;
    }
}
