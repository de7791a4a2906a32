using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Bounded.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Bounded.Analyzers.Tests.Meta;

/// <summary>Every rule is documented, tracked, listed, preset and fixable through FixAll.</summary>
public class RuleCatalogTests
{
    public static IReadOnlyList<DiagnosticAnalyzer> Analyzers { get; } = typeof(RuleIds).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToArray();

    public static IReadOnlyList<CodeFixProvider> Fixers { get; } = typeof(BoundedCodeFixProvider).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToArray();

    public static IReadOnlyList<DiagnosticDescriptor> Descriptors { get; } = Analyzers.SelectMany(a => a.SupportedDiagnostics)
        .GroupBy(d => d.Id).Select(g => g.First()).OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();

    public static TheoryData<string> RuleIdsData()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in Descriptors)
        {
            data.Add(descriptor.Id);
        }

        return data;
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors.Single(d => d.Id == id);

    private static string ReadRepoFile(params string[] parts) => File.ReadAllText(Path.Combine(new[] { TestEnvironment.RepoRoot }.Concat(parts).ToArray()));

    [Fact]
    public void EveryDeclaredIdHasADescriptor()
    {
        var declared = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).OrderBy(x => x).ToArray();
        Assert.Equal(declared, Descriptors.Select(d => d.Id).ToArray());
        Assert.Equal(declared, RuleIds.All.OrderBy(x => x).ToArray());
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void HelpLinkPointsAtAnExistingRulePageOfThisVersion(string id)
    {
        // The one home URL, the docs at this version's tag, and a path that is a page in this repository.
        var versionedRoot = TestEnvironment.Metadata("BoundedRepositoryUrl") + "/blob/v" + TestEnvironment.Metadata("Version") + "/";
        var link = Descriptor(id).HelpLinkUri;
        Assert.StartsWith("https://github.com/", versionedRoot);
        Assert.StartsWith(versionedRoot, link);
        var page = Path.Combine(new[] { TestEnvironment.RepoRoot }.Concat(link.Substring(versionedRoot.Length).Split('/')).ToArray());
        Assert.Equal(Path.Combine(TestEnvironment.RepoRoot, "docs", "rules", id + ".md"), page);
        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);
        Assert.Contains("# " + id, text);
        Assert.Contains("## Relation to other rules", text);
        Assert.Contains("## When to suppress", text);
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void DescriptorIsComplete(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Matches("^BND[0-4][0-9]{3}$", id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        var family = id[3] switch
        {
            '0' => RuleCategories.Configuration,
            '1' => RuleCategories.Concurrency,
            '2' => RuleCategories.Lifetime,
            '3' => RuleCategories.Memory,
            _ => RuleCategories.Queues,
        };
        Assert.Equal(family, descriptor.Category);
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void ReleaseTrackingListsTheRule(string id)
    {
        var releases = ReadRepoFile("src", "Bounded.Analyzers", "AnalyzerReleases.Shipped.md") + ReadRepoFile("src", "Bounded.Analyzers", "AnalyzerReleases.Unshipped.md");
        var descriptor = Descriptor(id);
        var severity = descriptor.IsEnabledByDefault ? descriptor.DefaultSeverity.ToString() : "Disabled";
        Assert.Matches(new Regex("^" + id + @"\s*\|\s*" + descriptor.Category + @"\s*\|\s*" + severity + @"\s*\|", RegexOptions.Multiline), releases);
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void ReadmeRuleTableListsTheRule(string id)
    {
        var readme = ReadRepoFile("README.md");
        var row = readme.Split('\n').SingleOrDefault(l => l.StartsWith("| [" + id + "]", StringComparison.Ordinal));
        Assert.True(row is not null, $"README.md has no rule-table row for {id}");
        Assert.Contains("(docs/rules/" + id + ".md)", row);
        Assert.Contains(Descriptor(id).DefaultSeverity.ToString(), row);
        var hasFix = Fixers.Any(f => f.FixableDiagnosticIds.Contains(id));
        Assert.Contains(hasFix ? "| yes |" : "| no |", row);
    }

    /// <summary>
    /// The none and strict presets name every rule; there is no default preset, so that bulk and category severity
    /// entries reach the rules as they do any analyzer's (a preset's per-ID entry would outrank them).
    /// </summary>
    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void PresetsNameEveryRule(string id)
    {
        var none = ReadRepoFile("src", "Bounded.Package", "config", "bounded-none.globalconfig");
        Assert.Contains($"dotnet_diagnostic.{id}.severity = none", none);
        var strict = ReadRepoFile("src", "Bounded.Package", "config", "bounded-strict.globalconfig");
        Assert.Contains($"dotnet_diagnostic.{id}.severity = warning", strict);
        Assert.False(File.Exists(Path.Combine(TestEnvironment.RepoRoot, "src", "Bounded.Package", "config", "bounded-default.globalconfig")));
    }

    [Fact]
    public void EveryFixerSupportsFixAllAndOnlyKnownIds()
    {
        Assert.NotEmpty(Fixers);
        foreach (var fixer in Fixers)
        {
            Assert.NotNull(fixer.GetFixAllProvider());
            Assert.IsAssignableFrom<BoundedCodeFixProvider>(fixer);
            Assert.NotNull(fixer.GetType().GetCustomAttribute<ExportCodeFixProviderAttribute>());
            foreach (var id in fixer.FixableDiagnosticIds)
            {
                Assert.Contains(Descriptors, d => d.Id == id);
            }
        }
    }

    [Fact]
    public void EquivalenceKeysAreNamespacedAndUnique()
    {
        var keys = typeof(BoundedCodeFixProvider).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.Name.EndsWith("Key", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();
        Assert.NotEmpty(keys);
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Matches(@"^Bounded\.BND\d{4}(\.[A-Za-z0-9]+)*$", k));
    }

    [Fact]
    public void OffByDefaultAndInfoRulesLiveInTheirOwnAnalyzer()
    {
        foreach (var analyzer in Analyzers)
        {
            var supported = analyzer.SupportedDiagnostics;
            if (supported.Any(d => !d.IsEnabledByDefault || d.DefaultSeverity == DiagnosticSeverity.Info))
            {
                Assert.Single(supported);
            }
        }
    }
}
