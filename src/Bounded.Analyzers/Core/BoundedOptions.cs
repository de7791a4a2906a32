using System;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers;

/// <summary>
/// Reads option values from .editorconfig / .globalconfig; which options exist is <see cref="OptionCatalog"/>. <c>bounded.&lt;id&gt;.&lt;name&gt;</c> (lower-case id) wins over
/// <c>bounded.&lt;name&gt;</c>. Values that do not parse fall back to the default (and BND0001 says so).
/// </summary>
public static class BoundedOptions
{
    public static bool TryGetRaw(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId, string name, out string value)
    {
        var options = provider.GetOptions(tree);
        if (options.TryGetValue("bounded." + ruleId.ToLowerInvariant() + "." + name, out var perRule) && !string.IsNullOrWhiteSpace(perRule))
        {
            value = perRule.Trim();
            return true;
        }

        if (options.TryGetValue("bounded." + name, out var shared) && !string.IsNullOrWhiteSpace(shared))
        {
            value = shared.Trim();
            return true;
        }

        value = "";
        return false;
    }

    /// <summary>A whole number in [min, max], else <paramref name="defaultValue"/>.</summary>
    public static int GetInt(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId, string name, int defaultValue, int min = 1, int max = int.MaxValue)
    {
        return TryGetRaw(provider, tree, ruleId, name, out var raw) && TryParseInt(raw, min, max, out var parsed) ? parsed : defaultValue;
    }

    /// <summary>A whole number in [min, max]: how every integer option is read, and validated (BND0001).</summary>
    public static bool TryParseInt(string raw, int min, int max, out int value) =>
        int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    /// <summary><c>true</c>/<c>false</c> (any case), else <paramref name="defaultValue"/>.</summary>
    public static bool GetBool(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId, string name, bool defaultValue)
    {
        if (TryGetRaw(provider, tree, ruleId, name, out var raw) && bool.TryParse(raw, out var parsed))
        {
            return parsed;
        }

        return defaultValue;
    }

    /// <summary>
    /// Test projects opt out of a rule with the MSBuild property <c>BoundedExcludeTestProjects=true</c> (all rules that
    /// honour it) or <c>bounded.exclude_test_projects = true</c> / <c>bounded.&lt;id&gt;.exclude_test_projects = true</c>.
    /// A project is a test project when MSBuild's <c>IsTestProject</c> is true.
    /// </summary>
    public static bool IsExcludedTestProject(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId)
    {
        var global = provider.GlobalOptions;
        if (!global.TryGetValue("build_property.IsTestProject", out var isTest) || !string.Equals(isTest.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (global.TryGetValue("build_property.BoundedExcludeTestProjects", out var excluded) && string.Equals(excluded.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return OptionCatalog.ExcludeTestProjects.GetBoolean(provider, tree, ruleId);
    }

    /// <summary>A comma- or space-separated list; empty entries are dropped.</summary>
    public static ImmutableArray<string> GetList(AnalyzerConfigOptionsProvider provider, SyntaxTree tree, string ruleId, string name, ImmutableArray<string> defaultValue)
    {
        if (!TryGetRaw(provider, tree, ruleId, name, out var raw))
        {
            return defaultValue;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        foreach (var part in raw.Split(new[] { ',', ' ', ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Add(part.Trim());
        }

        return builder.ToImmutable();
    }
}
