using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Analyzers.Memory;

/// <summary>BND3005: an <c>IMemoryOwner&lt;T&gt;</c> rented from a <c>MemoryPool&lt;T&gt;</c> and held in a local is not disposed on every path.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MemoryOwnerAnalyzer : DiagnosticAnalyzer
{
    public const string NeverDisposed = "NeverDisposed";
    public const string NotDisposedOnEveryPath = "NotDisposedOnEveryPath";
    public const string DisposeSkippedByException = "DisposeSkippedByException";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.MemoryOwnerNotDisposed,
        title: "Pooled memory owner not disposed on every path",
        message: "Memory owner '{0}' {1}",
        RuleCategories.Memory,
        DiagnosticSeverity.Warning,
        description: "MemoryPool<T>.Rent returns an IMemoryOwner<T> whose Dispose gives the memory back to the pool. An owner "
            + "that is not disposed on every path, including when an exception is thrown, leaves the pool to allocate anew for "
            + "the next caller, so the pooling gains nothing. Declare it with using.");

    private readonly GraphBuildCounter _graphs = new();

    /// <summary>How many control-flow graphs this instance built (only members that rent an owner get one).</summary>
    internal int GraphsBuilt => _graphs.Count;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.MemoryPool is null)
            {
                return;
            }

            var options = start.Options.AnalyzerConfigOptionsProvider;
            AcquireReleaseDriver.Register(start, types, ResourceKind.MemoryOwner, _graphs, (c, function, resources) =>
                Report(c, resources, OptionCatalog.ReportExceptionPaths.GetBoolean(options, function.Syntax.SyntaxTree, RuleIds.MemoryOwnerNotDisposed)));
        });
    }

    /// <summary>A dispose skipped only by an exception is reported with <paramref name="reportExceptionPaths"/> (as for BND3003).</summary>
    private static void Report(Action<Diagnostic> report, List<Resource> resources, bool reportExceptionPaths)
    {
        foreach (var resource in resources)
        {
            if (resource.Failed || resource.Acquires.Count == 0)
            {
                continue;
            }

            string kind;
            string reason;
            if (resource.Releases.Count == 0)
            {
                kind = NeverDisposed;
                reason = "is never disposed, so its memory never goes back to the pool; declare it with using";
            }
            else if (resource.NormalLeak)
            {
                kind = NotDisposedOnEveryPath;
                reason = "is not disposed on every path; declare it with using";
            }
            else if (resource.ExposedBy is { } thrower && reportExceptionPaths)
            {
                kind = DisposeSkippedByException;
                reason = "is not disposed if '" + OperationHelpers.ShortName(thrower) + "' throws; declare it with using";
            }
            else
            {
                continue;
            }

            report(Diagnostic.Create(
                Rule,
                resource.Acquires[0].Syntax.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Kind, kind),
                resource.Symbol.Name,
                reason));
        }
    }
}
