using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Bounded.Analyzers.Tests.Meta;

/// <summary>Every rule page ends with a Source block naming its analyzer, knowledge, fix and tests, and every path in it exists.</summary>
public class RuleSourceBlockTests
{
    [Theory]
    [MemberData(nameof(RuleCatalogTests.RuleIdsData), MemberType = typeof(RuleCatalogTests))]
    public void SourceBlockNamesFilesThatExist(string id)
    {
        var page = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "docs", "rules", id + ".md"));
        var start = page.IndexOf("\n## Source\n", StringComparison.Ordinal);
        Assert.True(start >= 0, id + ".md has no '## Source' section");
        var block = page.Substring(start);
        var next = block.IndexOf("\n## ", 2, StringComparison.Ordinal);
        if (next > 0)
        {
            block = block.Substring(0, next);
        }

        foreach (var line in new[] { "- Analyzer: ", "- Knowledge: ", "- Fix: ", "- Tests: " })
        {
            Assert.Contains(line, block, StringComparison.Ordinal);
        }

        var paths = Regex.Matches(block, "`(?<path>(?:src|tests)/[^`]+)`").Select(m => m.Groups["path"].Value).ToArray();
        Assert.NotEmpty(paths);
        foreach (var path in paths)
        {
            var full = Path.Combine(TestEnvironment.RepoRoot, path);
            Assert.True(path.EndsWith('/') ? Directory.Exists(full) : File.Exists(full), $"{id}.md names {path}, which does not exist");
        }

        Assert.Contains("`tests/Bounded.Analyzers.Tests/Rules/", block, StringComparison.Ordinal);
        Assert.Contains("/" + id + "/`", block, StringComparison.Ordinal);
    }
}
