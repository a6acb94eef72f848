using System;
using System.Linq;
using System.Reflection;

namespace PipelineGen.Generator;

/// <summary>
/// The help link of a PG diagnostic: its section of <c>docs/diagnostics.md</c> (<c>## PG0001</c> → <c>#pg0001</c>) at the
/// commit the generator was built from, or no link at all.
/// </summary>
/// <remarks>
/// The base URL is baked in at build time (assembly metadata <c>PipelineGenDocsUrl</c>, see the .csproj): given with
/// <c>-p:PipelineGenDocsUrl=</c> or derived from a GitHub repository URL and commit that SourceLink found. Builds without
/// one (a clone with no GitHub remote) give no link: a link to a host that cannot resolve is worse than none.
/// <c>DiagnosticHelpLinkTests</c> checks every id's anchor against the docs file.
/// </remarks>
public static class HelpLinks
{
    public const string MetadataKey = "PipelineGenDocsUrl";

    private static readonly Lazy<string?> DocsUrl = new(() => typeof(HelpLinks).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == MetadataKey)?.Value is { Length: > 0 } url ? url : null);

    /// <summary>The docs page this build links to, or null (no link).</summary>
    public static string? DocsPage => DocsUrl.Value;

    /// <summary>The link for <paramref name="id"/>, or null when this build has no docs page to link to.</summary>
    public static string? For(string id) => For(id, DocsUrl.Value);

    public static string? For(string id, string? docsPage) =>
        string.IsNullOrEmpty(docsPage) ? null : docsPage + "#" + Anchor(id);

    /// <summary>GitHub's anchor for the heading <c>## PG0001</c>: lower case.</summary>
    public static string Anchor(string id) => id.ToLowerInvariant();
}
