using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Bounded.Analyzers;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Concurrency;

/// <summary>
/// BND1005: one throttle for the handler's type, <c>private static readonly SemaphoreSlim BackgroundWorkSlots</c> with a
/// named limit (<c>bounded.max_background_work</c>). The handler awaits a slot before it starts the work (with the
/// application's stopping token when the type can read one, never the request's), so under load requests wait instead
/// of piling up work; the work releases the slot when it ends. A started lambda releases in its own <c>finally</c>; a
/// dropped async call is started through a helper that releases when its task ends, or at once when the call throws
/// before returning a task (which still reaches the handler, as before). Exceptions of the work stay where they were:
/// in the discarded task, or on the thread. Offered only where the handler can await (it is async already) and its
/// type is a class the fields can live in.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SpawnPerRequestCodeFixProvider)), Shared]
public sealed class SpawnPerRequestCodeFixProvider : BoundedCodeFixProvider
{
    public const string ThrottleKey = "Bounded." + RuleIds.SpawnPerRequest;

    private const string LimitName = "MaxBackgroundWork";
    private const string SlotsName = "BackgroundWorkSlots";
    private const string StartName = "StartBackgroundWork";
    private const string ReleaseName = "ReleaseBackgroundWorkSlot";

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.SpawnPerRequest);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (types.SemaphoreSlim is null || !TryResolve(diagnostic, context, types, out var statement, out var type, out var typeSymbol, out var start))
        {
            return;
        }

        System.Action<SyntaxEditor, string, string?>? startThrottled = start.Kind == WorkStartKind.None
            ? PlanCall(context, start.Site, statement, types)
            : PlanLambda(context, start, statement, types);
        if (startThrottled is null)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Limit background work with a shared SemaphoreSlim",
            ThrottleKey,
            () =>
            {
                var token = StoppingToken(context, statement);
                var slots = SharedMember(context, type, typeSymbol, SlotsName, IsSlotsField, out var declareSlots);
                var limit = declareSlots ? Allocate(context, type, LimitName) : null;
                var declareHelper = false;
                var helper = start.Kind == WorkStartKind.None ? SharedMember(context, type, typeSymbol, StartName, IsStartHelper, out declareHelper) : null;
                var release = declareHelper ? Allocate(context, type, ReleaseName) : null;
                var value = Limit(context, type.SyntaxTree);
                return editor =>
                {
                    editor.InsertBefore(statement, FixSyntax.Statement("await " + slots + ".WaitAsync(" + token + ");").WithLeadingTrivia(FixSyntax.Indentation(statement)));
                    startThrottled(editor, slots, helper);
                    if (limit is not null)
                    {
                        editor.InsertMembers(type, 0, new[]
                        {
                            Member("private const int " + limit + " = " + value + ";"),
                            Member("private static readonly global::System.Threading.SemaphoreSlim " + slots + " = new global::System.Threading.SemaphoreSlim(" + limit + ");")
                                .WithTrailingTrivia(EndOfLine(FixSyntax.DocumentNewLine(context.Root))), // not elastic: the formatter keeps the blank line below
                        });
                        if (type.Members.Count > 0)
                        {
                            // A blank line between the throttle and the type's own members.
                            editor.ReplaceNode(type.Members[0], (current, _) => current.WithLeadingTrivia(current.GetLeadingTrivia().Insert(0, EndOfLine(FixSyntax.DocumentNewLine(context.Root)))));
                        }
                    }

                    if (release is not null)
                    {
                        editor.AddMember(type, BlankLineBefore(
                            "private static global::System.Threading.Tasks.Task " + helper + "(global::System.Func<global::System.Threading.Tasks.Task> start)\n"
                            + "{\n global::System.Threading.Tasks.Task work;\n try\n {\n work = start();\n }\n catch\n {\n " + slots + ".Release();\n throw;\n }\n\n"
                            + " return " + release + "(work);\n}"));
                        editor.AddMember(type, BlankLineBefore(
                            "private static async global::System.Threading.Tasks.Task " + release + "(global::System.Threading.Tasks.Task work)\n"
                            + "{\n try\n {\n await work;\n }\n finally\n {\n " + slots + ".Release();\n }\n}"));
                    }
                };
            }));
    }

    private protected override async Task PlanSolutionFixesAsync(Diagnostic diagnostic, FixContext context, List<SolutionFix> fixes)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        if (TryResolve(diagnostic, context, types, out var statement, out var type, out var typeSymbol, out var start)
            && await BackgroundQueueFix.PlanAsync(context, statement, start, type, typeSymbol, types).ConfigureAwait(false) is { } queue)
        {
            fixes.Add(queue);
        }
    }

    /// <summary>The reported statement in an async handler of a class, and the start the analyzer found in it.</summary>
    private static bool TryResolve(Diagnostic diagnostic, FixContext context, KnownSymbols types, out ExpressionStatementSyntax statement, out TypeDeclarationSyntax type, out INamedTypeSymbol typeSymbol, out WorkStart start)
    {
        statement = null!;
        type = null!;
        typeSymbol = null!;
        start = default;
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (types.Task is null
            || !diagnostic.Properties.TryGetValue(DiagnosticProperties.WorkStart, out var reported)
            || node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { Parent: BlockSyntax } found
            || !FixSyntax.CanAwaitAt(found)
            || found.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || declaration is not (ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword })
            || context.Model.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } declared
            || context.Model.GetOperation(found, context.CancellationToken) is not IExpressionStatementOperation operation
            || SpawnPerRequestAnalyzer.Dropped(operation.Operation, types) is not { } dropped
            || dropped.Kind.ToString() != reported)
        {
            return false;
        }

        statement = found;
        type = declaration;
        typeSymbol = declared;
        start = dropped;
        return true;
    }

    /// <summary>A started lambda (Task.Run, StartNew, new Task(…).Start(), a thread-pool item, new Thread(…).Start()) releases in its own finally.</summary>
    private static System.Action<SyntaxEditor, string, string?>? PlanLambda(FixContext context, WorkStart start, ExpressionStatementSyntax statement, KnownSymbols types)
    {
        if (StartedLambda(start, types) is not { } lambda
            || lambda.Syntax is not AnonymousFunctionExpressionSyntax syntax
            || !statement.Span.Contains(syntax.Span)
            || WorkRewrite.Analyze(context.Model, lambda, syntax, gateInside: false, allowTaskUnwrap: start.Kind == WorkStartKind.TaskRun) is not { } rewrite)
        {
            return null;
        }

        return (editor, slots, _) => editor.ReplaceNode(syntax, (current, _) => rewrite.Apply((AnonymousFunctionExpressionSyntax)current, slots, waitCallInside: null));
    }

    /// <summary>
    /// The lambda a start runs: its work, or for <c>new Thread(work).Start()</c> the work of the thread it creates (the
    /// recogniser leaves a <c>Thread.Start</c>'s work unknown).
    /// </summary>
    internal static IAnonymousFunctionOperation? StartedLambda(WorkStart start, KnownSymbols types)
    {
        var work = start.Work;
        if (start.Kind == WorkStartKind.ThreadStart && start.Site is IInvocationOperation { Instance: { } thread }
            && thread.WithoutConversions() is IObjectCreationOperation creation)
        {
            work = WorkStarts.Recognize(creation, types).Work;
        }

        return work.AsLambda();
    }

    /// <summary>Whether a dropped call's result is a Task or a ValueTask (<paramref name="isValueTask"/>: pass it on with <c>.AsTask()</c>).</summary>
    internal static bool IsTaskOrValueTask(ITypeSymbol? type, KnownSymbols types, out bool isValueTask)
    {
        isValueTask = type.IsType(types.ValueTask) || type.IsType(types.GenericValueTask);
        return isValueTask || type.IsType(types.Task) || type.IsType(types.GenericTask);
    }

    /// <summary>
    /// <c>_ = SendAsync(x);</c> becomes <c>_ = StartBackgroundWork(() =&gt; SendAsync(x));</c>: the call still runs here, on
    /// the request's thread, and its task is still discarded. Only a Task or ValueTask (passed on as a Task), and only
    /// when the call can move into a lambda (no ref arguments, nothing ref-like).
    /// </summary>
    private static System.Action<SyntaxEditor, string, string?>? PlanCall(FixContext context, IOperation call, ExpressionStatementSyntax statement, KnownSymbols types)
    {
        if (call.Syntax is not InvocationExpressionSyntax invocation
            || !IsTaskOrValueTask(call.Type, types, out var asTask)
            || !CanMoveIntoLambda(call))
        {
            return null;
        }

        var dropped = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard ? discard.Right : statement.Expression;
        while (dropped is ParenthesizedExpressionSyntax parenthesized)
        {
            dropped = parenthesized.Expression;
        }

        if (dropped != invocation)
        {
            return null; // `_ = SendAsync().ConfigureAwait(false)` and other wrappers: the statement is more than the call
        }

        var useDiscard = ((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp7;
        return (editor, _, helper) => editor.ReplaceNode(statement, (current, _) =>
        {
            var currentStatement = (ExpressionStatementSyntax)current;
            var callText = (currentStatement.Expression is AssignmentExpressionSyntax assignment ? assignment.Right : currentStatement.Expression).WithoutTrivia().ToString();
            var started = helper + "(() => " + callText + (asTask ? ".AsTask()" : "") + ")";
            return currentStatement.WithExpression(ParseExpression(useDiscard ? "_ = " + started : started).WithTriviaFrom(currentStatement.Expression))
                .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
        });
    }

    /// <summary>A lambda cannot capture ref parameters, ref locals or ref-like values.</summary>
    private static bool CanMoveIntoLambda(IOperation call)
    {
        foreach (var operation in call.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IParameterReferenceOperation { Parameter.RefKind: not RefKind.None }:
                case ILocalReferenceOperation { Local.IsRef: true }:
                    return false;
                case { Type.IsRefLikeType: true }:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The application's or the service's stopping token when the handler can read one (a member, or a hosted service's
    /// <c>stoppingToken</c>; never the request's, nor a local source that may die with the request); else none.
    /// </summary>
    private static string StoppingToken(FixContext context, SyntaxNode statement)
    {
        foreach (var candidate in TokenDiscovery.ForWork(context.Model, statement, longRunning: true, context.CancellationToken))
        {
            if (candidate.IsMember || candidate.IsParameter)
            {
                return candidate.Expression;
            }
        }

        return "";
    }

    /// <summary>
    /// The name of a member every fix in the type shares: an existing one of that name and shape (a previous run's), else
    /// one this document's first fix declares (<paramref name="declare"/>).
    /// </summary>
    private static string SharedMember(FixContext context, TypeDeclarationSyntax type, INamedTypeSymbol typeSymbol, string name, System.Func<ISymbol, KnownSymbols, bool> fits, out bool declare)
    {
        var types = KnownSymbols.GetOrCreate(context.Model.Compilation);
        foreach (var member in typeSymbol.GetMembers(name))
        {
            if (fits(member, types))
            {
                declare = false;
                return name;
            }
        }

        declare = context.Names.ClaimShared(type, name, () => Allocate(context, type, name), out var claimed);
        return claimed;
    }

    private static bool IsSlotsField(ISymbol member, KnownSymbols types) =>
        member is IFieldSymbol { IsStatic: true } field && field.Type.IsType(types.SemaphoreSlim);

    private static bool IsStartHelper(ISymbol member, KnownSymbols types) =>
        member is IMethodSymbol { IsStatic: true, Parameters.Length: 1 } method && method.ReturnType.IsType(types.Task)
        && method.Parameters[0].Type is INamedTypeSymbol { Name: "Func", TypeArguments.Length: 1 } func && func.TypeArguments[0].IsType(types.Task);

    /// <summary>A member name free in the type (its members, inherited ones, and other fixes' choices).</summary>
    private static string Allocate(FixContext context, TypeDeclarationSyntax type, string name) =>
        context.Names.Allocate(type.Members.Count > 0 ? type.Members[0] : type, name);

    private static string Limit(FixContext context, SyntaxTree tree)
    {
        var provider = context.Document.Project.AnalyzerOptions.AnalyzerConfigOptionsProvider;
        return (OptionCatalog.MaxBackgroundWork.GetOptionalInteger(provider, tree, RuleIds.SpawnPerRequest) ?? OptionCatalog.MaxBackgroundWork.DefaultInteger)
            .ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static MemberDeclarationSyntax BlankLineBefore(string text)
    {
        var member = Member(text);
        return member.WithLeadingTrivia(member.GetLeadingTrivia().Insert(0, ElasticCarriageReturnLineFeed));
    }

    /// <summary>A member written as text, its line breaks elastic so they become the document's own.</summary>
    private static MemberDeclarationSyntax Member(string text)
    {
        var member = FixSyntax.WithImports(ParseMemberDeclaration(text)!);
        member = member.ReplaceTrivia(member.DescendantTrivia(), (trivia, _) => trivia.IsKind(SyntaxKind.EndOfLineTrivia) ? ElasticCarriageReturnLineFeed : trivia);
        return member.WithTrailingTrivia(ElasticCarriageReturnLineFeed).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Formatting.Formatter.Annotation);
    }
}
