using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers.Configuration;

/// <summary>
/// BND0001: a <c>bounded.*</c> entry in .editorconfig or .globalconfig that the rules cannot use — a value that does not
/// parse or is out of range, a misspelled option, a rule ID that does not exist or does not read the option. Without
/// it a typo silently means "default". Reported once per distinct entry, when the compilation ends.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class InvalidOptionAnalyzer : DiagnosticAnalyzer
{
    private const string Prefix = "bounded.";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.InvalidOption,
        title: "Invalid Bounded option",
        message: "'{0}' {1}; {2}",
        RuleCategories.Configuration,
        DiagnosticSeverity.Warning,
        description: "A bounded.* entry in .editorconfig or .globalconfig has a value the rules cannot read, or names an option "
            + "or rule that does not exist. The rules use the default instead, so the setting has no effect. Correct the "
            + "entry; the README lists every option with its accepted values.",
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationAction(Analyze);
    }

    private static void Analyze(CompilationAnalysisContext context)
    {
        var provider = context.Options.AnalyzerConfigOptionsProvider;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Check(provider.GlobalOptions, seen, context);
        foreach (var tree in context.Compilation.SyntaxTrees)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            Check(provider.GetOptions(tree), seen, context);
        }
    }

    private static void Check(AnalyzerConfigOptions options, HashSet<string> seen, CompilationAnalysisContext context)
    {
        foreach (var key in options.Keys)
        {
            if (!key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
                || !options.TryGetValue(key, out var value)
                || !seen.Add(key + "=" + value)
                || Problem(key, value) is not { } problem)
            {
                continue;
            }

            context.ReportDiagnostic(Diagnostic.Create(Rule, Location.None, problem.Entry, problem.What, problem.Consequence));
        }
    }

    /// <summary>What is wrong with one entry, in the message's words; null when the rules can use it.</summary>
    internal static (string Entry, string What, string Consequence)? Problem(string key, string value)
    {
        const string NoEffect = "it has no effect";
        var rest = key.Substring(Prefix.Length).ToLowerInvariant();
        var dot = rest.IndexOf('.');
        var ruleId = dot < 0 ? null : rest.Substring(0, dot).ToUpperInvariant();
        var name = dot < 0 ? rest : rest.Substring(dot + 1);
        var option = OptionCatalog.Find(name);
        if (option is null)
        {
            var suggestion = Closest(name);
            var hint = suggestion is null ? "" : " (did you mean '" + Prefix + (ruleId is null ? "" : ruleId.ToLowerInvariant() + ".") + suggestion + "'?)";
            return (key, "is not a Bounded option" + hint, NoEffect);
        }

        if (ruleId is not null && !option.ReadBy.Contains(ruleId))
        {
            var what = RuleIds.All.Contains(ruleId)
                ? "is read by no rule: " + ruleId + " does not use " + name + " (" + string.Join(", ", option.ReadBy) + " do)"
                : "names no Bounded rule ('" + ruleId + "')";
            return (key, what, NoEffect);
        }

        return option.Problem(value) is { } problem
            ? (key + " = " + value.Trim(), problem, "the default (" + option.DefaultText + ") applies")
            : null;
    }

    /// <summary>The option name within two edits of <paramref name="name"/>, if one is.</summary>
    private static string? Closest(string name)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var option in OptionCatalog.All)
        {
            var distance = EditDistance(name, option.Name);
            if (distance < bestDistance)
            {
                best = option.Name;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
