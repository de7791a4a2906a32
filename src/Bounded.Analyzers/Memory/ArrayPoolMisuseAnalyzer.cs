using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Memory;

/// <summary>BND3002, BND3003 and BND3004: arrays rented from ArrayPool and held in a local.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ArrayPoolMisuseAnalyzer : DiagnosticAnalyzer
{
    public const string NeverReturned = "NeverReturned";
    public const string NotReturnedOnEveryPath = "NotReturnedOnEveryPath";
    public const string ReturnSkippedByException = "ReturnSkippedByException";

    public static readonly DiagnosticDescriptor LengthRule = Rules.Create(
        RuleIds.RentedLengthAsDataLength,
        title: "Rented array's Length used as the data length",
        message: "{0} treats the whole rented array as data, but ArrayPool.Rent returns an array at least as long as requested; use the requested length",
        RuleCategories.Memory,
        DiagnosticSeverity.Warning,
        description: "ArrayPool<T>.Rent(n) returns an array whose Length is n or more. Using Length as the amount of data "
            + "(loop bounds, counts, slices, passing the whole array) reads or sends stale bytes left by the array's previous user.");

    public static readonly DiagnosticDescriptor ReturnRule = Rules.Create(
        RuleIds.RentedArrayNotReturned,
        title: "Rented array not returned on every path",
        message: "Rented array '{0}' {1}",
        RuleCategories.Memory,
        DiagnosticSeverity.Warning,
        description: "An array rented from ArrayPool must go back with Return on every path, including when an exception is "
            + "thrown; otherwise the pool allocates a new array for the next caller and the pooling gains nothing. Return it in a finally block.");

    public static readonly DiagnosticDescriptor AfterReturnRule = Rules.Create(
        RuleIds.RentedArrayUsedAfterReturn,
        title: "Rented array used after Return, or returned twice",
        message: "Rented array '{0}' {1}",
        RuleCategories.Memory,
        DiagnosticSeverity.Warning,
        description: "After Return the pool hands the array to the next caller. Reading or writing it afterwards corrupts "
            + "another request's data, and returning it twice lets two callers rent the same array.");

    private readonly GraphBuildCounter _graphs = new();

    /// <summary>How many control-flow graphs this instance built (only members that rent get one).</summary>
    internal int GraphsBuilt => _graphs.Count;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(LengthRule, ReturnRule, AfterReturnRule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.ArrayPool is null)
            {
                return;
            }

            var options = start.Options.AnalyzerConfigOptionsProvider;
            AcquireReleaseDriver.Register(start, types, ResourceKind.RentedArray, _graphs, (c, function, resources) =>
                Report(c, resources, types, OptionCatalog.ReportExceptionPaths.GetBoolean(options, function.Syntax.SyntaxTree, RuleIds.RentedArrayNotReturned)));
        });
    }

    /// <summary>
    /// A return skipped only when an exception is thrown is reported with <paramref name="reportExceptionPaths"/>: the pool
    /// does not require every array back (a missing one is allocated again), so the harm is a lost reuse on a failure path.
    /// </summary>
    private static void Report(Action<Diagnostic> report, List<Resource> resources, KnownSymbols types, bool reportExceptionPaths)
    {
        var findings = new List<RentedLengthUses.Finding>();
        foreach (var resource in resources)
        {
            if (resource.Failed)
            {
                continue;
            }

            var name = resource.Symbol.Name;
            findings.Clear();
            RentedLengthUses.Find(resource, types, findings);
            var rentLocation = resource.Acquires.Count == 1 ? new[] { resource.Acquires[0].Syntax.GetLocation() } : System.Array.Empty<Location>();
            foreach (var finding in findings)
            {
                report(Diagnostic.Create(
                    LengthRule,
                    finding.Operation.Syntax.GetLocation(),
                    rentLocation,
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, finding.Kind),
                    finding.Detail));
            }

            foreach (var use in resource.UsesAfterRelease)
            {
                report(Diagnostic.Create(AfterReturnRule, use.GetLocation(), name, "is used after it was returned to the pool; return it after its last use"));
            }

            foreach (var release in resource.DoubleReleases)
            {
                report(Diagnostic.Create(AfterReturnRule, OperationHelpers.CallNameLocation(release), name, "may be returned to the pool twice; return it once, in a finally block"));
            }

            string? kind = null;
            string? reason = null;
            if (resource.Releases.Count == 0)
            {
                if (!resource.PossiblyOwned)
                {
                    kind = NeverReturned;
                    reason = "is never returned to the pool; return it in a finally block";
                }
            }
            else if (resource.NormalLeak && !resource.ReturnedInsideAnObject)
            {
                kind = NotReturnedOnEveryPath;
                reason = "is not returned to the pool on every path; return it in a finally block";
            }
            else if (resource.ExposedBy is { } thrower && reportExceptionPaths)
            {
                kind = ReturnSkippedByException;
                reason = "is not returned to the pool if '" + OperationHelpers.ShortName(thrower) + "' throws; return it in a finally block";
            }

            if (kind is not null && resource.Acquires.Count > 0)
            {
                var additional = resource.Releases.Count == 1 ? new[] { resource.Releases[0].Syntax.GetLocation() } : System.Array.Empty<Location>();
                report(Diagnostic.Create(
                    ReturnRule,
                    resource.Acquires[0].Syntax.GetLocation(),
                    additional,
                    ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, kind),
                    name,
                    reason));
            }
        }
    }
}
