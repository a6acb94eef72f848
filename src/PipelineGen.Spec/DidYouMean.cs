using System;
using System.Collections.Generic;
using System.Linq;

namespace PipelineGen.Spec;

/// <summary>Suggests the closest known name for a misspelt one.</summary>
public static class DidYouMean
{
    /// <summary>Returns " Did you mean 'x'?" or an empty string.</summary>
    public static string Suggest(string given, IEnumerable<string> candidates)
    {
        var best = Closest(given, candidates);
        return best is null ? "" : $" Did you mean '{best}'?";
    }

    public static string? Closest(string given, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var allowed = Math.Max(1, given.Length / 3);
        foreach (var candidate in candidates)
        {
            // The distance is at least the length difference: skip the quadratic table when it cannot be close enough.
            if (Math.Abs(given.Length - candidate.Length) > allowed) continue;
            var distance = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance) { bestDistance = distance; best = candidate; }
        }
        // Allow roughly one typo per three characters: close enough to be a slip, far enough to avoid nonsense.
        if (best is not null && bestDistance <= allowed) return best;
        // A truncated or extended name ("churn" for "churned") is a slip too.
        return given.Length >= 4
            ? candidates.FirstOrDefault(c => c.StartsWith(given, StringComparison.OrdinalIgnoreCase) || given.StartsWith(c, StringComparison.OrdinalIgnoreCase) && c.Length >= 4)
            : null;
    }

    /// <summary>Optimal string alignment distance: a swapped pair of letters ("modle") counts as one slip.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }

    /// <summary>At most this many names are listed in a message; a data file with 10,000 columns must not make a 10,000-name message.</summary>
    public const int MaxListed = 40;

    public static string List(IEnumerable<string> names)
    {
        var all = names as IReadOnlyCollection<string> ?? names.ToList();
        var shown = string.Join(", ", all.Take(MaxListed).Select(n => $"'{DiagnosticLimit.Excerpt(n)}'"));
        return all.Count <= MaxListed ? shown : shown + $", … ({all.Count} in all)";
    }
}
