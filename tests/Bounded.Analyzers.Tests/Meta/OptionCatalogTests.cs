using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Bounded.Analyzers.Tests.Meta;

/// <summary>The README's option table and the rule pages say what <see cref="OptionCatalog"/> says.</summary>
public class OptionCatalogTests
{
    private static readonly Regex OptionRow = new(@"^\| `bounded\.(?<name>[a-z_]+)` \| (?<default>[^|]+) \| (?<usedBy>[^|]+) \|", RegexOptions.Multiline);

    private static Dictionary<string, (string Default, string UsedBy)> ReadmeRows()
    {
        var readme = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "README.md"));
        return OptionRow.Matches(readme).ToDictionary(m => m.Groups["name"].Value, m => (m.Groups["default"].Value.Trim(), m.Groups["usedBy"].Value.Trim()));
    }

    /// <summary>Rule IDs a "Used by" cell names, with ranges such as <c>BND1001–BND1003</c> expanded.</summary>
    internal static SortedSet<string> IdsIn(string cell)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match match in Regex.Matches(cell, @"BND(?<from>\d{4})(?:[–-]BND(?<to>\d{4}))?"))
        {
            var from = int.Parse(match.Groups["from"].Value);
            var to = match.Groups["to"].Success ? int.Parse(match.Groups["to"].Value) : from;
            for (var id = from; id <= to; id++)
            {
                ids.Add("BND" + id.ToString("D4"));
            }
        }

        return ids;
    }

    [Fact]
    public void TheRangeReaderExpandsRanges()
    {
        Assert.Equal(new[] { "BND1001", "BND1002", "BND1003", "BND4002" }, IdsIn("fixes of BND1001–BND1003, BND4002"));
    }

    [Fact]
    public void ReadmeListsExactlyTheCatalogsOptions()
    {
        Assert.Equal(
            OptionCatalog.All.Select(o => o.Name).OrderBy(n => n, StringComparer.Ordinal),
            ReadmeRows().Keys.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void ReadmeDefaultsAndReadersMatchTheCatalog()
    {
        var rows = ReadmeRows();
        foreach (var option in OptionCatalog.All)
        {
            var (defaultCell, usedBy) = rows[option.Name];
            Assert.True(defaultCell == option.DefaultText || defaultCell == "`" + option.DefaultText + "`", $"{option.Name}: README default {defaultCell}, catalog {option.DefaultText}");
            Assert.Equal(option.ReadBy.OrderBy(i => i, StringComparer.Ordinal), IdsIn(usedBy));
        }
    }

    [Fact]
    public void CatalogDefaultsAgreeWithTheirText()
    {
        foreach (var option in OptionCatalog.All)
        {
            switch (option.Type)
            {
                case OptionType.Integer when option.DefaultText != "Environment.ProcessorCount":
                    Assert.Equal(option.DefaultText, option.DefaultInteger.ToString());
                    Assert.InRange(option.DefaultInteger, option.Min, option.Max);
                    break;
                case OptionType.Boolean:
                    Assert.Equal(option.DefaultText, option.DefaultBoolean ? "true" : "false");
                    break;
                case OptionType.List:
                    Assert.Equal(option.DefaultText, option.DefaultList.IsEmpty ? "(none)" : string.Join(", ", option.DefaultList));
                    break;
            }
        }
    }

    public static TheoryData<string, string> OptionsByRule()
    {
        var data = new TheoryData<string, string>();
        foreach (var option in OptionCatalog.All)
        {
            foreach (var id in option.ReadBy)
            {
                data.Add(id, option.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsByRule))]
    public void EveryRulePageNamesTheOptionsItReads(string id, string option)
    {
        var page = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "docs", "rules", id + ".md"));
        Assert.Contains("bounded." + option, page, StringComparison.Ordinal);
    }
}
