using MathNet.Numerics.Statistics;

namespace PipelineGen.Runtime.Exploration;

internal static class RowHash
{
    private const ulong Offset = 14695981039346656037, Prime = 1099511628211;

    public static ulong Of(string s) => Append(Offset, s);

    public static ulong Append(ulong hash, string s)
    {
        foreach (var ch in s)
        {
            hash = (hash ^ (byte)ch) * Prime;
            hash = (hash ^ (byte)(ch >> 8)) * Prime;
        }
        return (hash ^ 0x1F) * Prime; // unit separator keeps ("ab","c") apart from ("a","bc")
    }

    public static ulong Start => Offset;

    /// <summary>The hash of a row's <paramref name="columns"/> as explore compares rows (missing apart from every value).</summary>
    public static ulong OfRow(Cell[] cells, int[] columns)
    {
        var hash = Offset;
        foreach (var i in columns) hash = Append(hash, cells[i].Missing ? "\u0000" : cells[i].Display);
        return hash;
    }
}
