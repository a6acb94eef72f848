using System.Text.RegularExpressions;
using PipelineGen.Spec;

namespace PipelineGen.Generator.Tests.Diagnostics;

/// <summary>
/// A diagnostic's help link must lead somewhere (issue #10): the id's section of docs/diagnostics.md at the commit the
/// generator was built from, when the build knew the repository's GitHub URL, or no link at all.
/// </summary>
public class DiagnosticHelpLinkTests
{
    private const string SomeDocsPage = "https://github.com/example/pipelinegen/blob/0123456789abcdef/docs/diagnostics.md";

    [Fact]
    public void Every_id_links_to_an_anchor_that_exists_in_the_diagnostics_docs()
    {
        var anchors = DocsAnchors();
        Assert.NotEmpty(SpecDiagnostics.All);
        var missing = SpecDiagnostics.All
            .Select(d => HelpLinks.For(d.Id, SomeDocsPage)!)
            .Where(link => !link.StartsWith(SomeDocsPage + "#", StringComparison.Ordinal) || !anchors.Contains(link[(SomeDocsPage.Length + 1)..]))
            .ToList();
        Assert.True(missing.Count == 0, "links to no heading in docs/diagnostics.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_reported_descriptor_has_no_link_or_one_into_the_docs_of_this_builds_repository()
    {
        var anchors = DocsAnchors();
        foreach (var info in SpecDiagnostics.All)
        {
            var link = DiagnosticReporter.ToDiagnostic(new DiagnosticInfo(info.Id, info.DefaultSeverity, "message", "/specs/pipeline.yaml", SourceSpan.At(1, 1))).Descriptor.HelpLinkUri;
            if (string.IsNullOrEmpty(link))
            {
                // This build has no docs page (no GitHub URL was known when the generator was built): then no id has one.
                Assert.Null(HelpLinks.DocsPage);
                continue;
            }
            var match = Regex.Match(link, @"^https://github\.com/[^/]+/[^/]+/blob/[^/]+/docs/diagnostics\.md#(?<anchor>[a-z0-9-]+)$");
            Assert.True(match.Success, $"{info.Id}: help link '{link}' is not a section of docs/diagnostics.md on GitHub");
            Assert.Contains(match.Groups["anchor"].Value, anchors);
        }
    }

    [Fact]
    public void A_build_without_a_docs_page_gives_no_link()
    {
        Assert.Null(HelpLinks.For("PG0002", null));
        Assert.Null(HelpLinks.For("PG0002", ""));
        var broken = Fixtures.TitanicSpec.Replace("metric: auc", "metirc: auc");
        var run = GeneratorHarness.Run("/specs/binary/pipeline.yaml", broken, Fixtures.TitanicSchema);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "PG0002");
        Assert.Equal(HelpLinks.For("PG0002") ?? "", diagnostic.Descriptor.HelpLinkUri);
    }

    /// <summary>GitHub's anchors for the file's headings: lower case, punctuation other than '-' dropped, spaces to '-'.</summary>
    private static HashSet<string> DocsAnchors()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "PipelineGen.sln"))) dir = Path.GetDirectoryName(dir)!;
        return File.ReadLines(Path.Combine(dir, "docs", "diagnostics.md"))
            .Where(line => line.StartsWith('#'))
            .Select(line => Regex.Replace(line.TrimStart('#').Trim().ToLowerInvariant(), @"[^a-z0-9 _-]", "").Replace(' ', '-'))
            .ToHashSet();
    }
}
