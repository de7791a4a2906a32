using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>
/// BND4003: a channel, <c>BlockingCollection</c> or dataflow block that a reader in the same scope waits on to the end
/// is not completed on every path, so the reader (and everything it holds) waits forever.
/// <para>
/// Evidence required: the scope owns the channel (created there; its writer never leaves the member, or the type for
/// a private field), something reads it to the end without a token or an exit of its own, and the completion is missing,
/// skipped by a path out of the producer (exceptions included), or comes after an await of that reader.
/// </para>
/// <para>Properties for the fixer: <see cref="DiagnosticProperties.Kind"/> (<see cref="ChannelFinding"/>),
/// <see cref="DiagnosticProperties.Fix"/> (<see cref="ChannelFix"/>), <see cref="WriterProperty"/> (the expression to
/// complete) and additional locations as <see cref="ChannelFix"/> documents.</para>
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class UncompletedChannelAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The expression whose completion the fix writes: <c>channel.Writer</c>, <c>writer</c> or a BlockingCollection.</summary>
    public const string WriterProperty = "Writer";

    /// <summary><c>Channel</c> or <c>BlockingCollection</c>.</summary>
    public const string FlavorProperty = "Flavor";

    public static readonly DiagnosticDescriptor Rule = Rules.Create(
        RuleIds.UncompletedChannel,
        title: "A channel or queue that is not completed strands its reader",
        message: "'{0}' {1}; {2}",
        RuleCategories.Queues,
        DiagnosticSeverity.Warning,
        description: "A reader that reads a channel to the end (await foreach over ReadAllAsync, while (await WaitToReadAsync()), "
            + "foreach over GetConsumingEnumerable, await Completion) returns only when the channel is completed. When no path "
            + "completes it, or an exception or early return skips the completion, the reader waits forever with everything it holds. "
            + "Complete the writer in a finally of the code that writes it (TryComplete(exception) lets the reader see the failure), "
            + "complete before awaiting the reader, and link dataflow blocks with PropagateCompletion = true.");

    private readonly GraphBuildCounter _graphs = new();

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <summary>Control-flow graphs built by this instance (tests pin that only producers pay for one).</summary>
    internal int GraphsBuilt => _graphs.Count;

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownSymbols.GetOrCreate(start.Compilation);
            if (types.GenericChannel is not null || types.BlockingCollection is not null)
            {
                RegisterLocals(start, types);
                start.RegisterSymbolStartAction(s => AnalyzeFields(s, types), SymbolKind.NamedType);
            }

            if (types.DataflowLinkOptions is not null)
            {
                start.RegisterOperationAction(c => DataflowLinks.Analyze(c, types), OperationKind.Invocation);
            }
        });
    }

    /// <summary>
    /// A declarator action notes the members that create a channel into a local; the member's operation-block action
    /// (which runs after its operation actions, and whose diagnostics anywhere in the member are local to it) analyses
    /// those. Other members cost one type check per local declaration.
    /// </summary>
    private void RegisterLocals(CompilationStartAnalysisContext start, KnownSymbols types)
    {
        var pending = new ConcurrentDictionary<SyntaxNode, ConcurrentQueue<IVariableDeclaratorOperation>>();
        start.RegisterOperationAction(
            context =>
            {
                var declarator = (IVariableDeclaratorOperation)context.Operation;
                if (declarator.Initializer?.Value is { } value && ChannelUses.KindOf(declarator.Symbol.Type, types) is not null && ChannelUses.IsCreation(value, types))
                {
                    pending.GetOrAdd(AcquireReleaseDriver.RootOf(declarator).Syntax, _ => new ConcurrentQueue<IVariableDeclaratorOperation>()).Enqueue(declarator);
                }
            },
            OperationKind.VariableDeclarator);

        start.RegisterOperationBlockAction(context =>
        {
            foreach (var block in context.OperationBlocks)
            {
                if (!pending.TryRemove(AcquireReleaseDriver.RootOf(block).Syntax, out var declarators))
                {
                    continue;
                }

                foreach (var declarator in declarators)
                {
                    var roots = new List<IOperation> { AcquireReleaseDriver.RootOf(declarator) };
                    var uses = ChannelUses.Collect(declarator.Symbol, ChannelUses.KindOf(declarator.Symbol.Type, types)!.Value, roots, types, context.CancellationToken);
                    Decide(uses, types, context.ReportDiagnostic, context.CancellationToken);
                }
            }
        });
    }

    private void AnalyzeFields(SymbolStartAnalysisContext context, KnownSymbols types)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class || !type.GetTypeMembers().IsEmpty)
        {
            return; // a nested type could complete the field where this type's actions do not look
        }

        List<(IFieldSymbol Field, CompletableKind Kind)>? fields = null;
        foreach (var member in type.GetMembers())
        {
            if (member is IFieldSymbol { DeclaredAccessibility: Accessibility.Private, IsImplicitlyDeclared: false } field
                && ChannelUses.KindOf(field.Type, types) is { } kind)
            {
                (fields ??= new()).Add((field, kind));
            }
        }

        if (fields is null)
        {
            return;
        }

        var roots = new ConcurrentQueue<IOperation>();
        context.RegisterOperationBlockAction(block =>
        {
            foreach (var operation in block.OperationBlocks)
            {
                roots.Enqueue(AcquireReleaseDriver.RootOf(operation));
            }
        });
        context.RegisterSymbolEndAction(end =>
        {
            var members = new List<IOperation>();
            foreach (var root in roots)
            {
                if (!members.Contains(root))
                {
                    members.Add(root);
                }
            }

            foreach (var (field, kind) in fields)
            {
                Decide(ChannelUses.Collect(field, kind, new List<IOperation>(members), types, end.CancellationToken), types, end.ReportDiagnostic, end.CancellationToken);
            }
        });
    }

    private void Decide(ChannelUses uses, KnownSymbols types, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (uses.Failed || uses.Creations.Count == 0)
        {
            return;
        }

        var readToTheEnd = uses.ReaderReturned && uses.Writes.Count > 0;
        foreach (var drain in uses.Drains)
        {
            readToTheEnd |= drain.Waits;
        }

        if (uses.Completions.Count == 0)
        {
            if (readToTheEnd)
            {
                ReportNeverCompleted(uses, report);
            }
            else
            {
                ReportReaderThatStops(uses, types, report);
            }

            return;
        }

        if (ReportAwaitBeforeCompletion(uses, report))
        {
            return;
        }

        if (readToTheEnd && SingleFunction(uses.Completions) is { } producer && Contains(uses.Writes, producer)
            && ReportProducerPaths(uses, producer, types, report, cancellationToken))
        {
            return;
        }

        ReportReaderThatStops(uses, types, report);
    }

    // ------------------------------------------------------------------ never completed

    private static void ReportNeverCompleted(ChannelUses uses, Action<Diagnostic> report)
    {
        var properties = Properties(uses, ChannelFinding.NeverCompleted);
        var locations = new List<Location>();
        var producer = SingleFunction(uses.Writes);
        if (producer is not null && ProducerRange.Find(uses, producer, completion: null) is { } range)
        {
            properties = properties.Add(DiagnosticProperties.Fix, nameof(ChannelFix.Wrap)).Add(WriterProperty, WriterText(uses, producer));
            locations.Add(range.First.GetLocation());
            locations.Add(range.Last.GetLocation());
        }
        else if (FirstAwaitOutsideProducers(uses) is { } awaited && FixSyntaxStatement(awaited.Syntax) is { } statement)
        {
            properties = properties.Add(DiagnosticProperties.Fix, nameof(ChannelFix.CompleteFirst)).Add(WriterProperty, WriterText(uses, null));
            locations.Add(statement.GetLocation());
        }

        report(Diagnostic.Create(Rule, uses.Creations[0].Syntax.GetLocation(), locations, properties, uses.Symbol.Name,
            "is never completed, so " + ReaderText(uses) + " waits forever", CompleteAdvice(uses)));
    }

    /// <summary>An await of the draining task in a function that writes nothing (a Dispose or Stop method).</summary>
    private static IOperation? FirstAwaitOutsideProducers(ChannelUses uses)
    {
        foreach (var awaited in uses.DrainAwaits)
        {
            if (!Contains(uses.Writes, AcquireReleaseAnalysis.FunctionOf(awaited)))
            {
                return awaited;
            }
        }

        return null;
    }

    // ------------------------------------------------------------------ awaiting the reader before completing

    private static bool ReportAwaitBeforeCompletion(ChannelUses uses, Action<Diagnostic> report)
    {
        foreach (var awaited in uses.DrainAwaits)
        {
            var function = AcquireReleaseAnalysis.FunctionOf(awaited);
            foreach (var completion in uses.Completions)
            {
                if (!ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(completion), function) || completion.Syntax.SpanStart < awaited.Syntax.SpanStart)
                {
                    continue;
                }

                var properties = Properties(uses, ChannelFinding.AwaitBeforeCompletion);
                var locations = new List<Location>();
                if (FixSyntaxStatement(awaited.Syntax) is { } awaitStatement && FixSyntaxStatement(completion.Syntax) is { Parent: { } parent } completionStatement
                    && completionStatement is ExpressionStatementSyntax && awaitStatement.Parent == parent && !WritesBetween(uses, awaitStatement, completionStatement))
                {
                    properties = properties.Add(DiagnosticProperties.Fix, nameof(ChannelFix.Move));
                    locations.Add(completionStatement.GetLocation());
                    locations.Add(awaitStatement.GetLocation());
                }

                report(Diagnostic.Create(Rule, awaited.Syntax.GetLocation(), locations, properties, uses.Symbol.Name,
                    "is completed only after the task that reads it to the end is awaited, so that await never returns", "complete it before the await"));
                return true;
            }
        }

        return false;
    }

    private static bool WritesBetween(ChannelUses uses, SyntaxNode from, SyntaxNode to)
    {
        foreach (var write in uses.Writes)
        {
            if (write.Syntax.SpanStart > from.SpanStart && write.Syntax.SpanStart < to.SpanStart)
            {
                return true;
            }
        }

        return false;
    }

    // ------------------------------------------------------------------ completion skipped on some path of the producer

    /// <summary>
    /// The one function that writes and completes: a may-state walk from each write (held) to the completion
    /// (released). A path that leaves the function held (a return, a catch that swallows, an exception) strands a
    /// reader elsewhere; a read to the end inside the producer reached while held never ends.
    /// </summary>
    private bool ReportProducerPaths(ChannelUses uses, IOperation producer, KnownSymbols types, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        var graph = AcquireReleaseDriver.GraphFor(AcquireReleaseDriver.RootOf(producer), producer, new Dictionary<IOperation, ControlFlowGraph?>(), _graphs, cancellationToken);
        if (graph is null)
        {
            return false;
        }

        var resource = new Resource(uses.Symbol, ResourceKind.ChannelCompletion, pool: null);
        foreach (var write in uses.Writes)
        {
            if (ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(write), producer))
            {
                resource.Events.Add(new FlowEvent(resource, FlowEventKind.Acquire, write));
            }
        }

        foreach (var completion in uses.Completions)
        {
            var guarded = AcquireReleaseAnalysis.IsGuarded(completion, producer, uses.Symbol);
            resource.Events.Add(new FlowEvent(resource, guarded ? FlowEventKind.GuardedRelease : FlowEventKind.Release, completion));
        }

        var readsElsewhere = uses.ReaderReturned;
        foreach (var drain in uses.Drains)
        {
            if (!drain.Waits)
            {
                continue;
            }

            if (ReferenceEquals(drain.Function, producer))
            {
                resource.Events.Add(new FlowEvent(resource, FlowEventKind.Use, drain.Operation));
            }
            else
            {
                readsElsewhere = true;
            }
        }

        foreach (var awaited in uses.DrainAwaits)
        {
            if (ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(awaited), producer))
            {
                resource.Events.Add(new FlowEvent(resource, FlowEventKind.Use, awaited));
            }
        }

        AcquireReleaseAnalysis.Flow(graph, new List<Resource> { resource }, types, cancellationToken);
        if (resource.Failed)
        {
            return false;
        }

        // A read to the end inside the producer reached while held never ends; an await of a reader task reached while
        // held is a path that skipped the completion.
        SyntaxNode? strandedRead = null;
        var awaitsWhileHeld = false;
        foreach (var node in resource.UsesWhileHeld ?? new HashSet<SyntaxNode>())
        {
            if (IsDrainAwait(uses, node))
            {
                awaitsWhileHeld = true;
            }
            else if (strandedRead is null || node.SpanStart < strandedRead.SpanStart)
            {
                strandedRead = node;
            }
        }

        if (strandedRead is not null)
        {
            report(Diagnostic.Create(Rule, strandedRead.GetLocation(), Properties(uses, ChannelFinding.ReadBeforeCompletion), uses.Symbol.Name,
                "is read to the end before the code that writes it completes it, so the read never ends", CompleteAdvice(uses)));
            return true;
        }

        var pathSkips = resource.NormalLeak || awaitsWhileHeld;
        if (!(readsElsewhere || awaitsWhileHeld) || (!pathSkips && resource.ExposedBy is null))
        {
            return false;
        }

        var properties = Properties(uses, ChannelFinding.CompletionSkipped);
        var locations = new List<Location>();
        var completionCall = uses.Completions[0];
        if (uses.Completions.Count == 1 && FixSyntaxStatement(completionCall.Syntax) is ExpressionStatementSyntax completionStatement
            && ProducerRange.Find(uses, producer, completionStatement) is { } range)
        {
            properties = properties.Add(DiagnosticProperties.Fix, nameof(ChannelFix.Wrap)).Add(WriterProperty, WriterText(uses, producer));
            locations.Add(range.First.GetLocation());
            locations.Add(range.Last.GetLocation());
        }

        var skippedBy = !pathSkips && resource.ExposedBy is { } thrower
            ? "is completed only when nothing throws: when '" + OperationHelpers.ShortName(thrower) + "' throws, " + ReaderText(uses) + " waits forever"
            : "is not completed on every path out of the code that writes it, so " + ReaderText(uses) + " can wait forever";
        report(Diagnostic.Create(Rule, OperationHelpers.CallNameLocation(completionCall.Syntax), locations, properties, uses.Symbol.Name, skippedBy, CompleteAdvice(uses)));
        return true;
    }

    private static bool IsDrainAwait(ChannelUses uses, SyntaxNode node)
    {
        foreach (var awaited in uses.DrainAwaits)
        {
            if (awaited.Syntax == node)
            {
                return true;
            }
        }

        return false;
    }

    // ------------------------------------------------------------------ a bounded channel whose reader stops first

    /// <summary>
    /// A bounded channel in wait mode whose every reader can leave its loop early, while a producer in another function
    /// writes in a loop with a wait that no token ends: once the reader stops and the channel fills, the write waits forever.
    /// </summary>
    private static void ReportReaderThatStops(ChannelUses uses, KnownSymbols types, Action<Diagnostic> report)
    {
        if (uses.Drains.Count == 0 || uses.OtherReads > 0 || uses.ReaderReturned || uses.ReaderHandedOut || !BoundedWait.IsBoundedWait(uses.Creations))
        {
            return;
        }

        SyntaxNode? exit = null;
        foreach (var drain in uses.Drains)
        {
            if (drain.Exit is null)
            {
                return;
            }

            exit ??= drain.Exit;
        }

        foreach (var write in uses.Writes)
        {
            var name = write.TargetMethod.Name;
            if (!(name == "WriteAsync" || (name == "Add" && uses.Kind == CompletableKind.BlockingCollection)) || ChannelUses.PassesToken(write, types) || !InLoop(write))
            {
                continue;
            }

            var function = AcquireReleaseAnalysis.FunctionOf(write);
            var sameFunction = false;
            foreach (var drain in uses.Drains)
            {
                sameFunction |= ReferenceEquals(drain.Function, function);
            }

            if (sameFunction)
            {
                continue;
            }

            report(Diagnostic.Create(Rule, OperationHelpers.CallNameLocation(write.Syntax), Properties(uses, ChannelFinding.ReaderStops), uses.Symbol.Name,
                "is bounded and its reader can stop early (line " + (exit!.GetLocation().GetLineSpan().StartLinePosition.Line + 1) + "), after which '" + name + "' waits for room forever",
                "pass the write a token that the reader cancels when it stops"));
            return;
        }
    }

    private static bool InLoop(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is ILoopOperation)
            {
                return true;
            }

            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }
        }

        return false;
    }

    // ------------------------------------------------------------------ helpers

    private static ImmutableDictionary<string, string?> Properties(ChannelUses uses, ChannelFinding finding) =>
        ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.Kind, finding.ToString())
            .Add(FlavorProperty, uses.Kind.ToString());

    private static string ReaderText(ChannelUses uses)
    {
        foreach (var drain in uses.Drains)
        {
            if (drain.Waits)
            {
                return drain.Operation switch
                {
                    IPropertyReferenceOperation => "the await of its Completion",
                    IInvocationOperation { TargetMethod.Name: "WaitToReadAsync" } => "the WaitToReadAsync loop",
                    IInvocationOperation { TargetMethod.Name: "GetConsumingEnumerable" } => "the foreach over GetConsumingEnumerable()",
                    _ => "the await foreach over ReadAllAsync()",
                };
            }
        }

        return "the code that reads the returned reader";
    }

    private static string CompleteAdvice(ChannelUses uses) => uses.Kind == CompletableKind.BlockingCollection
        ? "call CompleteAdding() in a finally of the code that adds to it"
        : "complete the writer in a finally of the code that writes it (TryComplete(exception) lets the reader see the failure)";

    /// <summary>The writer expression as the producer spells it, or the channel's name with <c>.Writer</c>.</summary>
    private static string WriterText(ChannelUses uses, IOperation? producer)
    {
        if (producer is not null)
        {
            foreach (var write in uses.Writes)
            {
                if (ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(write), producer) && write.Instance is { } instance)
                {
                    return instance.Syntax.ToString();
                }
            }
        }

        return uses.Kind == CompletableKind.Channel ? uses.Symbol.Name + ".Writer" : uses.Symbol.Name;
    }

    internal static IOperation? SingleFunction(List<IInvocationOperation> calls)
    {
        IOperation? single = null;
        foreach (var call in calls)
        {
            var function = AcquireReleaseAnalysis.FunctionOf(call);
            if (single is null)
            {
                single = function;
            }
            else if (!ReferenceEquals(single, function))
            {
                return null;
            }
        }

        return single;
    }

    private static bool Contains(List<IInvocationOperation> calls, IOperation function)
    {
        foreach (var call in calls)
        {
            if (ReferenceEquals(AcquireReleaseAnalysis.FunctionOf(call), function))
            {
                return true;
            }
        }

        return false;
    }

    private static StatementSyntax? FixSyntaxStatement(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax statement && current.Parent is BlockSyntax)
            {
                return statement;
            }

            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)
            {
                return null;
            }
        }

        return null;
    }
}

/// <summary>What BND4003 found (<see cref="DiagnosticProperties.Kind"/>).</summary>
public enum ChannelFinding
{
    NeverCompleted,
    CompletionSkipped,
    ReadBeforeCompletion,
    AwaitBeforeCompletion,
    ReaderStops,
    LinkWithoutCompletion,
}

/// <summary>The rewrite BND4003 judged safe (<see cref="DiagnosticProperties.Fix"/>); absent when none is.</summary>
public enum ChannelFix
{
    /// <summary>Additional locations: the first and last statement of the producer's writes (the last may be its completion, which moves): wrapped in try/catch/finally.</summary>
    Wrap,

    /// <summary>Additional location: the statement that awaits the reader; the completion is added before it.</summary>
    CompleteFirst,

    /// <summary>Additional locations: the completion statement and the await statement it moves before.</summary>
    Move,

    /// <summary>The LinkTo call gets <c>PropagateCompletion = true</c>.</summary>
    Propagate,
}
