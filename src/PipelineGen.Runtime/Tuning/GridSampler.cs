using MathNet.Numerics;

namespace PipelineGen.Runtime.Tuning;

/// <summary>
/// Every point of a grid exactly once, in a seeded random order (so a time budget that stops early has still spread its
/// trials over the space). Choices and flags are enumerated; whole-number ranges with at most <see cref="Resolution"/> * 2
/// values are enumerated; other ranges contribute <see cref="Resolution"/> evenly spaced points (log-spaced on a log scale).
/// </summary>
internal sealed class GridSampler(int seed, int resolution = 5) : ISampler
{
    public string Name => "grid";
    public int Resolution => resolution;

    /// <summary>Grid points of one parameter.</summary>
    public IReadOnlyList<double> Points(SearchParameter p)
    {
        if (p.IsChoice) return p.Choices!;
        if (p.Type == HyperparameterType.Bool) return [0, 1];
        if (p.Type == HyperparameterType.Int && Math.Floor(p.Max) - Math.Ceiling(p.Min) + 1 <= 2 * resolution)
        {
            var all = new List<double>();
            for (double v = Math.Ceiling(p.Min); v <= Math.Floor(p.Max); v++) all.Add(v);
            return all;
        }
        double low = p.ToDomain(p.Min), high = p.ToDomain(p.Max);
        return Enumerable.Range(0, resolution).Select(i => p.FromDomain(low + (high - low) * i / (resolution - 1))).Distinct().ToArray();
    }

    /// <summary>Number of grid points (the study's size under this strategy); a trainer's parameters multiply only its branch.</summary>
    public long Size(SearchSpace space) => space.Count(p => Points(p).Count)!.Value;

    public Configuration? Propose(SearchSpace space, int trialNumber, IReadOnlyList<FinishedTrial> finished)
    {
        var size = Size(space);
        if (trialNumber >= size) return null;
        if (size > 10_000_000) throw new ArgumentException($"the grid has {size} points; narrow the space or use strategy random/bayesian.");
        // A fixed permutation of 0..size-1 (Fisher-Yates with a seeded generator), identical on every call.
        var order = Enumerable.Range(0, (int)size).ToArray();
        var rng = Samplers.Rng(seed, -1);
        for (int i = order.Length - 1; i > 0; i--) { int j = rng.Next(i + 1); (order[i], order[j]) = (order[j], order[i]); }
        long index = order[trialNumber];
        var config = new Configuration();
        foreach (var root in space.Roots)
        {
            var points = Points(root);
            bool hasChildren = space.Parameters.Any(c => c.Parent == root.Name);
            if (!hasChildren)
            {
                config[root.Name] = points[(int)(index % points.Count)];
                index /= points.Count;
                continue;
            }
            // Branches one after the other: each value of the root owns the block of its children's combinations.
            long blockTotal = points.Sum(v => space.ChildrenOf(root, v).Aggregate(1L, (n, c) => n * Points(c).Count));
            long local = index % blockTotal;
            index /= blockTotal;
            foreach (var v in points)
            {
                var children = space.ChildrenOf(root, v).ToArray();
                long block = children.Aggregate(1L, (n, c) => n * Points(c).Count);
                if (local >= block) { local -= block; continue; }
                config[root.Name] = v;
                foreach (var c in children)
                {
                    var cp = Points(c);
                    config[c.Name] = cp[(int)(local % cp.Count)];
                    local /= cp.Count;
                }
                break;
            }
        }
        return config;
    }
}
