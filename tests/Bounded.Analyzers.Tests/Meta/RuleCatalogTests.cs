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
        var declared = typeof(RuleIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!).OrderBy(x => x).ToArray();
        Assert.Equal(declared, Descriptors.Select(d => d.Id).ToArray());
    }

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void HelpLinkPointsAtAnExistingRulePage(string id)
    {
        var descriptor = Descriptor(id);
        Assert.Equal(global::Bounded.Analyzers.Rules.HelpRoot + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(TestEnvironment.RepoRoot, "docs", "rules", id + ".md");
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
        Assert.Matches("^BND[1-4][0-9]{3}$", id);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.MessageFormat.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Description.ToString()));
        var family = id[3] switch
        {
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

    [Theory]
    [MemberData(nameof(RuleIdsData))]
    public void PresetsNameEveryRule(string id)
    {
        var none = ReadRepoFile("src", "Bounded.Package", "config", "bounded-none.globalconfig");
        Assert.Contains($"dotnet_diagnostic.{id}.severity = none", none);
        foreach (var preset in new[] { "default", "strict" })
        {
            var text = ReadRepoFile("src", "Bounded.Package", "config", $"bounded-{preset}.globalconfig");
            Assert.Matches(new Regex($@"^dotnet_diagnostic\.{id}\.severity = (warning|suggestion|silent|none|error)\s*$", RegexOptions.Multiline), text);
        }

        var defaults = ReadRepoFile("src", "Bounded.Package", "config", "bounded-default.globalconfig");
        var expected = Descriptor(id).IsEnabledByDefault
            ? Descriptor(id).DefaultSeverity switch
            {
                DiagnosticSeverity.Error => "error",
                DiagnosticSeverity.Warning => "warning",
                DiagnosticSeverity.Info => "suggestion",
                _ => "silent",
            }
            : "none";
        Assert.Contains($"dotnet_diagnostic.{id}.severity = {expected}", defaults);
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
