using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>
/// BND4003: complete the channel where the analyzer found it safe — the producer's writes wrapped in
/// <c>try</c> with the completion in <c>finally</c> (a channel also completes with the exception in <c>catch</c>, so its
/// reader sees the failure), the completion moved or added before the await of the reader, or
/// <c>PropagateCompletion = true</c> on a dataflow link. A reader that can stop first gets no fix (the page shows the pattern).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UncompletedChannelCodeFixProvider)), Shared]
public sealed class UncompletedChannelCodeFixProvider : BoundedCodeFixProvider
{
    public const string CompleteKey = "Bounded." + RuleIds.UncompletedChannel;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UncompletedChannel);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var properties = diagnostic.Properties;
        if (!properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix is null)
        {
            return;
        }

        var isChannel = properties.TryGetValue(UncompletedChannelAnalyzer.FlavorProperty, out var flavor) && flavor == "Channel";
        properties.TryGetValue(UncompletedChannelAnalyzer.WriterProperty, out var writer);
        var locations = diagnostic.AdditionalLocations;
        switch (fix)
        {
            case nameof(ChannelFix.Wrap) when locations.Count == 2 && writer is not null
                && Statement(context, locations[0]) is { Parent: BlockSyntax block } first && Statement(context, locations[1]) is { } last && last.Parent == block:
                var movesCompletion = properties.TryGetValue(DiagnosticProperties.Kind, out var kind) && kind == nameof(ChannelFinding.CompletionSkipped);
                fixes.Add(new PlannedFix(
                    isChannel ? "Complete the channel in finally" : "Call CompleteAdding in finally",
                    CompleteKey,
                    () =>
                    {
                        var exception = isChannel ? ExceptionName(context, block, first, last) : null;
                        return editor => Wrap(editor, block, first, last, movesCompletion, writer, exception);
                    }));
                return;
            case nameof(ChannelFix.CompleteFirst) when locations.Count == 1 && writer is not null && Statement(context, locations[0]) is { Parent: BlockSyntax } awaited:
                fixes.Add(new PlannedFix(
                    "Complete the channel before awaiting its reader",
                    CompleteKey,
                    editor => editor.InsertBefore(awaited, FixSyntax.Statement(writer + (isChannel ? ".TryComplete();" : ".CompleteAdding();"))
                        .WithLeadingTrivia(awaited.GetLeadingTrivia()))));
                return;
            case nameof(ChannelFix.Move) when locations.Count == 2 && Statement(context, locations[0]) is { } completion && Statement(context, locations[1]) is { } awaitStatement:
                fixes.Add(new PlannedFix(
                    "Complete the channel before awaiting its reader",
                    CompleteKey,
                    editor =>
                    {
                        editor.RemoveNode(completion, SyntaxRemoveOptions.KeepNoTrivia);
                        editor.InsertBefore(awaitStatement, completion.WithLeadingTrivia(awaitStatement.GetLeadingTrivia()).Formatted());
                    }));
                return;
            case nameof(ChannelFix.Propagate):
                PlanPropagate(diagnostic, context, fixes);
                return;
        }
    }

    /// <summary>
    /// <c>exception</c>, unless that name is visible at the range or declared inside it. A catch variable is scoped to
    /// its clause, so the name does not depend on earlier fixes: one site at a time and FixAll write the same text.
    /// </summary>
    private static string ExceptionName(FixContext context, BlockSyntax block, StatementSyntax first, StatementSyntax last)
    {
        var declared = new HashSet<string>();
        var inRange = false;
        foreach (var statement in block.Statements)
        {
            inRange |= statement == first;
            if (inRange)
            {
                foreach (var token in statement.DescendantTokens())
                {
                    if (token.IsKind(SyntaxKind.IdentifierToken) && token.Parent is VariableDeclaratorSyntax or SingleVariableDesignationSyntax or CatchDeclarationSyntax or ParameterSyntax or ForEachStatementSyntax)
                    {
                        declared.Add(token.ValueText);
                    }
                }
            }

            if (statement == last)
            {
                break;
            }
        }

        for (var suffix = 1; ; suffix++)
        {
            var name = suffix == 1 ? "exception" : "exception" + suffix;
            if (!declared.Contains(name) && context.Model.LookupSymbols(first.SpanStart, name: name).IsEmpty)
            {
                return name;
            }
        }
    }

    private static StatementSyntax? Statement(FixContext context, Location location) =>
        context.Root.FindNode(location.SourceSpan, getInnermostNodeForTie: true) as StatementSyntax;

    /// <summary>
    /// <c>try { writes } catch (Exception e) { writer.TryComplete(e); throw; } finally { writer.TryComplete(); }</c> for a
    /// channel (TryComplete, since the catch has completed it already), <c>try { … } finally { queue.CompleteAdding(); }</c>
    /// for a BlockingCollection. An existing completion at the end of the range moves into the <c>finally</c>.
    /// </summary>
    private static void Wrap(SyntaxEditor editor, BlockSyntax block, StatementSyntax first, StatementSyntax last, bool movesCompletion, string writer, string? exception)
    {
        var firstMark = new SyntaxAnnotation();
        var lastMark = new SyntaxAnnotation();
        editor.ReplaceNode(first, (current, _) => current.WithAdditionalAnnotations(firstMark));
        if (last != first)
        {
            editor.ReplaceNode(last, (current, _) => current.WithAdditionalAnnotations(lastMark));
        }
        else
        {
            lastMark = firstMark;
        }

        editor.ReplaceNode(block, (current, _) =>
        {
            var currentBlock = (BlockSyntax)current;
            var statements = currentBlock.Statements;
            var from = IndexOf(statements, firstMark);
            var to = IndexOf(statements, lastMark);
            if (from < 0 || to < from)
            {
                return currentBlock;
            }

            var moved = new List<StatementSyntax>();
            var end = movesCompletion ? to - 1 : to;
            for (var i = from; i <= end; i++)
            {
                moved.Add(i == from ? statements[i].WithLeadingTrivia(ElasticMarker) : statements[i]);
            }

            var catches = default(SyntaxList<CatchClauseSyntax>);
            FinallyClauseSyntax finallyClause;
            if (exception is not null)
            {
                catches = SingletonList(CatchClause(
                    CatchDeclaration(FixSyntax.QualifiedType("System.Exception"), Identifier(exception)),
                    null,
                    FixSyntax.MultiLineBlock(
                        FixSyntax.Statement(writer + ".TryComplete(" + exception + ");"),
                        FixSyntax.Statement("throw;"))));
                finallyClause = FinallyClause(FixSyntax.MultiLineBlock(FixSyntax.Statement(writer + ".TryComplete();")));
            }
            else
            {
                finallyClause = FinallyClause(FixSyntax.MultiLineBlock(FixSyntax.Statement(writer + ".CompleteAdding();")));
            }

            var tryStatement = TryStatement(FixSyntax.MultiLineBlock(moved.ToArray()), catches, finallyClause)
                .WithLeadingTrivia(statements[from].GetLeadingTrivia())
                .WithTrailingTrivia(ElasticCarriageReturnLineFeed)
                .Formatted();

            var result = new List<StatementSyntax>(statements.Count);
            for (var i = 0; i < from; i++)
            {
                result.Add(statements[i]);
            }

            result.Add(tryStatement);
            for (var i = to + 1; i < statements.Count; i++)
            {
                result.Add(statements[i]);
            }

            return currentBlock.WithStatements(List(result));
        });
    }

    private static int IndexOf(SyntaxList<StatementSyntax> statements, SyntaxAnnotation mark)
    {
        for (var i = 0; i < statements.Count; i++)
        {
            if (statements[i].HasAnnotation(mark))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds <c>new DataflowLinkOptions { PropagateCompletion = true }</c> after the target, or sets it in the options written there.</summary>
    private static void PlanPropagate(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } call
            || context.Model.GetOperation(call, context.CancellationToken) is not IInvocationOperation link)
        {
            return;
        }

        ArgumentSyntax? targetArgument = null;
        ArgumentSyntax? optionsArgument = null;
        foreach (var argument in link.Arguments)
        {
            if (argument.Syntax is not ArgumentSyntax syntax || argument.Parameter is not { } parameter)
            {
                continue;
            }

            if (parameter.Name == "target")
            {
                targetArgument = syntax;
            }
            else if (parameter.Type.Name == "DataflowLinkOptions")
            {
                optionsArgument = syntax;
            }
        }

        if (targetArgument is null || targetArgument.NameColon is not null)
        {
            return;
        }

        var propagate = AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName("PropagateCompletion"), LiteralExpression(SyntaxKind.TrueLiteralExpression));
        if (optionsArgument is null)
        {
            var options = ObjectCreationExpression(FixSyntax.QualifiedType("System.Threading.Tasks.Dataflow.DataflowLinkOptions"))
                .WithArgumentList(null)
                .WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SingletonSeparatedList<ExpressionSyntax>(propagate)));
            fixes.Add(new PlannedFix(
                "Link with PropagateCompletion = true",
                CompleteKey,
                editor => editor.InsertAfter(targetArgument, Argument(options))));
            return;
        }

        if (optionsArgument.Expression is not BaseObjectCreationExpressionSyntax creation)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Link with PropagateCompletion = true",
            CompleteKey,
            editor => editor.ReplaceNode(creation, (current, _) =>
            {
                var written = (BaseObjectCreationExpressionSyntax)current;
                var expressions = new List<ExpressionSyntax>();
                if (written.Initializer is { } initializer)
                {
                    foreach (var expression in initializer.Expressions)
                    {
                        if (expression is not AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "PropagateCompletion" } })
                        {
                            expressions.Add(expression);
                        }
                    }
                }

                expressions.Add(propagate);
                var updated = written.WithInitializer(InitializerExpression(SyntaxKind.ObjectInitializerExpression, SeparatedList(expressions)));
                if (updated is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } plain)
                {
                    updated = plain.WithArgumentList(null).WithType(plain.Type.WithoutTrailingTrivia().WithTrailingTrivia(Space));
                }

                return updated.Formatted();
            })));
    }
}
