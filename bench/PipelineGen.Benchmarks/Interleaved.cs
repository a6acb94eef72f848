using System.Diagnostics;
using System.Globalization;

namespace PipelineGen.Benchmarks;

/// <summary>
/// A/B runs interleaved in one process: each round runs every pair's baseline and candidate back to back in a random
/// order, so load spikes on this shared machine hit both sides alike. Reports medians, the interquartile range, and
/// the median of the per-round ratios (candidate / baseline) with its min–max; wall clock and process CPU time.
/// </summary>
internal static class Interleaved
{
    public sealed record Pair(string Name, Action Baseline, Action Candidate);

    private readonly record struct Sample(double WallMs, double CpuMs);

    public static void Run(string title, string baselineName, string candidateName, IReadOnlyList<Pair> pairs, int rounds, int warmups, TextWriter output)
    {
        var random = new Random(12345);
        var results = pairs.ToDictionary(p => p.Name, _ => (A: new List<Sample>(), B: new List<Sample>()));
        for (var round = -warmups; round < rounds; round++)
        {
            foreach (var pair in pairs)
            {
                var baselineFirst = random.Next(2) == 0;
                var first = Measure(baselineFirst ? pair.Baseline : pair.Candidate);
                var second = Measure(baselineFirst ? pair.Candidate : pair.Baseline);
                if (round < 0) continue;
                var (a, b) = baselineFirst ? (first, second) : (second, first);
                results[pair.Name].A.Add(a);
                results[pair.Name].B.Add(b);
            }
            Console.Error.Write(round < 0 ? "w" : ".");
        }
        Console.Error.WriteLine();

        output.WriteLine($"### {title}");
        output.WriteLine();
        output.WriteLine($"{rounds} interleaved rounds after {warmups} warm-up round(s); {Environment.ProcessorCount} cores; load average at end: {LoadAverage()}.");
        output.WriteLine();
        output.WriteLine($"| case | {baselineName} wall ms median [IQR] | {candidateName} wall ms median [IQR] | added wall ms median [min, max] | ratio wall median [min, max] | {baselineName} CPU ms | {candidateName} CPU ms | ratio CPU median [min, max] |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var pair in pairs)
        {
            var (a, b) = results[pair.Name];
            var wallRatios = a.Zip(b, (x, y) => y.WallMs / x.WallMs).ToList();
            var cpuRatios = a.Zip(b, (x, y) => y.CpuMs / x.CpuMs).ToList();
            var added = a.Zip(b, (x, y) => y.WallMs - x.WallMs).ToList();
            output.WriteLine($"| {pair.Name} | {Med(a.Select(s => s.WallMs))} {Iqr(a.Select(s => s.WallMs))} | {Med(b.Select(s => s.WallMs))} {Iqr(b.Select(s => s.WallMs))} | " +
                             $"{Med(added)} [{F(added.Min())}, {F(added.Max())}] | {R(Median(wallRatios))} [{R(wallRatios.Min())}, {R(wallRatios.Max())}] | " +
                             $"{Med(a.Select(s => s.CpuMs))} | {Med(b.Select(s => s.CpuMs))} | {R(Median(cpuRatios))} [{R(cpuRatios.Min())}, {R(cpuRatios.Max())}] |");
        }
        output.WriteLine();
        output.Flush();
    }

    private static Sample Measure(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        process.Refresh();
        return new Sample(watch.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu0).TotalMilliseconds);
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static double Quantile(double[] sorted, double q)
    {
        var pos = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(pos);
        var hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static string Med(IEnumerable<double> values) => F(Median(values));
    private static string Iqr(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return $"[{F(Quantile(v, 0.25))}–{F(Quantile(v, 0.75))}]";
    }

    private static string F(double ms) => ms.ToString(Math.Abs(ms) >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);
    private static string R(double ratio) => ratio.ToString("F3", CultureInfo.InvariantCulture);

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
