using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace PipelineGen.Runtime.Exploration;

/// <summary>Invariant, NaN-free number formatting for reports.</summary>
internal static class Fmt
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Round-trippable value, as data would be written.</summary>
    public static string Raw(double v) => double.IsNaN(v) ? "" : v.ToString("R", Inv);
    public static string Raw(float v) => float.IsNaN(v) ? "" : v.ToString("R", Inv);

    /// <summary>Human-readable number; "n/a" for NaN and infinities.</summary>
    public static string Num(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return "n/a";
        if (v == Math.Floor(v) && Math.Abs(v) < 1e15) return v.ToString("0", Inv);
        var a = Math.Abs(v);
        if (a >= 1e6 || a < 1e-4) return v.ToString("0.###e0", Inv);
        if (a >= 100) return v.ToString("0.##", Inv);
        return v.ToString("0.####", Inv);
    }

    public static string Num(double v, bool isDate) => isDate ? DateFromOa(v) : Num(v);

    public static string Fixed(double v, int decimals) =>
        double.IsNaN(v) || double.IsInfinity(v) ? "n/a" : v.ToString("F" + decimals, Inv);

    /// <summary>"12.3%"; shares under 1% keep more digits ("0.03%") so a rare value does not read as 0.0%.</summary>
    public static string Percent(double share)
    {
        if (double.IsNaN(share) || double.IsInfinity(share)) return "n/a";
        var p = share * 100;
        var format = p == 0 || Math.Abs(p) >= 1 ? "0.0" : Math.Abs(p) >= 0.01 ? "0.##" : "0.#####";
        return p.ToString(format, Inv) + "%";
    }

    public static string Count(long n) => n.ToString("N0", Inv);
    public static string Rows(long n) => Count(n) + (n == 1 ? " row" : " rows");

    public static string Date(DateTime t) =>
        t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", Inv) : t.ToString("yyyy-MM-dd HH:mm:ss", Inv);

    public static string DateFromOa(double oa) =>
        double.IsNaN(oa) || double.IsInfinity(oa) || oa < -657435 || oa > 2958465 ? "n/a" : Date(DateTime.FromOADate(oa));

    public static string PValue(double p) =>
        double.IsNaN(p) ? "n/a" : p < 1e-4 ? "<0.0001" : p.ToString("0.0000", Inv);
}
