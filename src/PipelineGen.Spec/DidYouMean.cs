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
        foreach (var candidate in candidates)
        {
            var distance = Distance(given.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance) { bestDistance = distance; best = candidate; }
        }
        // Allow roughly one typo per three characters: close enough to be a slip, far enough to avoid nonsense.
        return best is not null && bestDistance <= Math.Max(1, given.Length / 3) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    public static string List(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
