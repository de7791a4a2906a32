using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.Queues;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace Bounded.CodeFixes.Queues;

/// <summary>BND4002: replace the unlimited degree with <c>bounded.max_concurrency</c> (default <c>Environment.ProcessorCount</c>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnlimitedParallelismCodeFixProvider)), Shared]
public sealed class UnlimitedParallelismCodeFixProvider : BoundedCodeFixProvider
{
    public const string ExplicitLimitKey = "Bounded." + RuleIds.UnlimitedParallelism;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.UnlimitedParallelism);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        var node = context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var kind) && kind == UnlimitedParallelismAnalyzer.AsyncBody)
        {
            if (node.FirstAncestorOrSelf<LambdaExpressionSyntax>() is { } body && AsyncForEach.TryPlan(context, body) is { } rewrite)
            {
                fixes.Add(rewrite);
            }

            return;
        }

        // Parallel.ForEach/For/Invoke and PLINQ run synchronous bodies on pool threads: processor-bound.
        var limit = ConcurrencyLimit.Expression(context.Document, context.Root.SyntaxTree, RuleIds.UnlimitedParallelism, ioBound: false);
        if (node.FirstAncestorOrSelf<AssignmentExpressionSyntax>() is { } assignment && assignment.Span == diagnostic.Location.SourceSpan)
        {
            var right = assignment.Right;
            fixes.Add(new PlannedFix(
                "Set an explicit degree of parallelism",
                ExplicitLimitKey,
                editor => editor.ReplaceNode(right, (current, _) => limit.WithTriviaFrom(current))));
            return;
        }

        if (node is ArgumentSyntax argument)
        {
            node = argument.Expression;
        }

        if (node is ExpressionSyntax degree && node.Parent is ArgumentSyntax)
        {
            fixes.Add(new PlannedFix(
                "Cap the degree of parallelism",
                ExplicitLimitKey,
                editor => editor.ReplaceNode(degree, (current, _) =>
                    InvocationExpression(
                        FixSyntax.QualifiedName("System.Math.Min"),
                        ArgumentList(SeparatedList(new[] { Argument(((ExpressionSyntax)current).WithoutTrivia()), Argument(limit) })))
                    .WithTriviaFrom(current))));
        }
    }
}
