using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using Bounded.Analyzers;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bounded.CodeFixes.Memory;

/// <summary>BND3003: return the rented array in a finally block.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ArrayPoolReturnCodeFixProvider)), Shared]
public sealed class ArrayPoolReturnCodeFixProvider : BoundedCodeFixProvider
{
    public const string TryFinallyKey = "Bounded." + RuleIds.RentedArrayNotReturned;

    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(RuleIds.RentedArrayNotReturned);

    private protected override void Plan(Diagnostic diagnostic, FixContext context, List<PlannedFix> fixes)
    {
        if (context.Root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax rentAccess } rent
            || FixSyntax.StatementInBlock(rent) is not { } acquire
            || RentedLocal(acquire, rent) is not { } local)
        {
            return;
        }

        StatementSyntax? release = null;
        StatementSyntax? newRelease = null;
        if (diagnostic.Properties.TryGetValue(DiagnosticProperties.Kind, out var kind) && kind == ArrayPoolMisuseAnalyzer.NeverReturned)
        {
            newRelease = FixSyntax.Statement(rentAccess.Expression.WithoutTrivia() + ".Return(" + local + ");");
        }
        else
        {
            if (diagnostic.AdditionalLocations.Count != 1
                || context.Root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax returnCall
                || returnCall.Parent is not ExpressionStatementSyntax returnStatement)
            {
                return;
            }

            release = returnStatement;
        }

        if (TryFinallyWrap.TryPlan(acquire, release, context.Model, context.CancellationToken) is not { } wrap)
        {
            return;
        }

        fixes.Add(new PlannedFix(
            "Return the array in a finally block",
            TryFinallyKey,
            editor => TryFinallyWrap.Apply(editor, wrap, newRelease)));
    }

    /// <summary>The local the statement rents into: <c>var buffer = …Rent(n);</c> or <c>buffer = …Rent(n);</c>.</summary>
    private static string? RentedLocal(StatementSyntax statement, InvocationExpressionSyntax rent) => statement switch
    {
        LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0, Declaration.Variables: { Count: 1 } variables } when variables[0].Initializer?.Value == rent
            => variables[0].Identifier.ValueText,
        ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax target, Right: var right } } when right == rent
            => target.Identifier.ValueText,
        _ => null,
    };
}
