using System;
using System.Linq;

namespace PipelineGen.Spec.Schema;

/// <summary>
/// Keys under <c>tune</c> that would put the shared tuning storage (a PostgreSQL connection string, which may hold a
/// password) in the spec. They get their own error (PG0230) saying where the storage goes instead, not a bare "unknown key".
/// </summary>
internal static class TuneStorageKey
{
    private static readonly string[] Names = ["storage", "connection_string", "connection", "database", "password"];

    public static bool Is(string path, string key) => path == "tune" && Names.Contains(key, StringComparer.OrdinalIgnoreCase);
}
