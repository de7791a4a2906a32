using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Bounded.Analyzers.AcquireRelease;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Memory;

/// <summary>BND3002: places where a rented array's full length stands for the length of the data in it.</summary>
internal static class RentedLengthUses
{
    public const string LengthKind = "Length";
    public const string WholeArrayKind = "WholeArray";

    internal readonly struct Finding
    {
        public Finding(IOperation operation, string kind, string detail)
        {
            Operation = operation;
            Kind = kind;
            Detail = detail;
        }

        /// <summary>The <c>.Length</c> property reference, or the array reference passed whole.</summary>
        public IOperation Operation { get; }
        public string Kind { get; }
        public string Detail { get; }
    }

    /// <summary>Consumers that read every element of an array they get with no offset or count.</summary>
    private static readonly ImmutableHashSet<string> WholeArrayConsumers = ImmutableHashSet.Create(StringComparer.Ordinal,
        "ToBase64String", "ToHexString", "ToHexStringLower", "GetString", "ComputeHash", "HashData", "WriteAllBytes",
        "WriteAllBytesAsync", "Send", "SendAsync", "SendTo", "SendToAsync", "Write", "WriteAsync", "AppendData",
        "SignData", "VerifyData", "ToArray", "ToList", "SequenceEqual", "ToString"
    );

    public static void Find(Resource resource, KnownSymbols types, List<Finding> findings)
    {
        var local = (ILocalSymbol)resource.Symbol;
        foreach (var use in resource.Uses)
        {
            if (resource.UsesWhileHeld is { } held && !held.Contains(use.Syntax))
            {
                continue; // the local holds another array here (`out var arr` before `arr = pool.Rent(n)`)
            }

            var name = local.Name;
            if (use.Parent is IPropertyReferenceOperation { Property.Name: "Length" or "LongLength" } length && ReferenceEquals(length.Instance, use))
            {
                if (IsDataLength(length, local))
                {
                    findings.Add(new Finding(length, LengthKind, "'" + name + "." + length.Property.Name + "'"));
                }
            }
            else if (WholeArrayConsumer(use, types) is { } consumer)
            {
                findings.Add(new Finding(use, WholeArrayKind, "'" + name + "' passed whole to '" + consumer + "'"));
            }
        }
    }

    private static bool IsCountParameter(IParameterSymbol? parameter) => parameter is not null && NamePolicy.NamesDataLength(parameter.Name);

    private static bool IsDataLength(IPropertyReferenceOperation length, ILocalSymbol array)
    {
        var outer = AcquireReleaseAnalysis.Outermost(length);
        switch (outer.Parent)
        {
            case IArgumentOperation argument when IsCountParameter(argument.Parameter):
                switch (argument.Parent)
                {
                    case IInvocationOperation call:
                        if (NamePolicy.FillsRoom(call.TargetMethod.Name))
                        {
                            return false;
                        }

                        return call.TargetMethod.Name is "AsSpan" or "AsMemory" ? ViewIsConsumed(call) : true;
                    case IObjectCreationOperation creation:
                        return creation.Type is INamedTypeSymbol { Arity: 1 } ? ViewIsConsumed(creation) : true;
                    default:
                        return false;
                }

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.NotEquals } comparison:
                var condition = AcquireReleaseAnalysis.Outermost(comparison);
                return condition.Parent is IForLoopOperation loop && ReferenceEquals(loop.Condition, condition) && ReadsElements(loop.Body, array);
            case IRangeOperation range when ReferenceEquals(range.RightOperand, outer):
                return true;
            default:
                return false;
        }
    }

    /// <summary>A span, memory or segment over the array flows into something that reads it.</summary>
    private static bool ViewIsConsumed(IOperation view)
    {
        var outer = AcquireReleaseAnalysis.Outermost(view);
        switch (outer.Parent)
        {
            case IArgumentOperation { Parent: IInvocationOperation call } argument:
                if (NamePolicy.FillsRoom(call.TargetMethod.Name))
                {
                    return false;
                }

                var type = argument.Parameter?.Type;
                return type is IArrayTypeSymbol || (type is INamedTypeSymbol { Name: "ReadOnlySpan" or "ReadOnlyMemory" or "ArraySegment" });
            case IInvocationOperation call when ReferenceEquals(call.Instance, outer):
                return call.TargetMethod.Name is "ToArray" or "CopyTo" or "TryCopyTo" or "SequenceEqual" or "ToString";
            default:
                return false;
        }
    }

    private static bool ReadsElements(IOperation body, ILocalSymbol array)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation reference } element
                && SymbolEqualityComparer.Default.Equals(reference.Local, array)
                && !(element.Parent is IAssignmentOperation assignment && ReferenceEquals(assignment.Target, element) && assignment is ISimpleAssignmentOperation))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The consumer's name when the whole array is handed to something that reads all of it.</summary>
    private static string? WholeArrayConsumer(ILocalReferenceOperation use, KnownSymbols types)
    {
        var outer = AcquireReleaseAnalysis.Outermost(use);
        if (outer.Parent is not IArgumentOperation argument)
        {
            return null;
        }

        var parameterType = argument.Parameter?.Type;
        switch (argument.Parent)
        {
            case IInvocationOperation call:
                var method = call.TargetMethod;
                if (NamePolicy.FillsRoom(method.Name))
                {
                    return null;
                }

                if (types.IsReadOnlyView(parameterType))
                {
                    return method.Name;
                }

                // buffer.AsSpan() / buffer.AsMemory() over the whole array, handed to a reader.
                if (method.Name is "AsSpan" or "AsMemory" && call.Arguments.Length == 1 && ViewIsConsumed(call))
                {
                    return ConsumerName(AcquireReleaseAnalysis.Outermost(call)) ?? method.Name;
                }

                if ((parameterType is IArrayTypeSymbol || (parameterType is INamedTypeSymbol { Name: "IEnumerable" } && method.IsStatic))
                    && WholeArrayConsumers.Contains(method.Name)
                    && !HasIntArgument(call.Arguments))
                {
                    return method.Name;
                }

                return null;
            case IObjectCreationOperation creation when parameterType is IArrayTypeSymbol && creation.Arguments.Length == 1
                && creation.Type is { Name: "MemoryStream" or "String" }:
                return "new " + creation.Type.Name;
            default:
                return null;
        }
    }

    private static string? ConsumerName(IOperation view) => view.Parent switch
    {
        IArgumentOperation { Parent: IInvocationOperation call } => call.TargetMethod.Name,
        IInvocationOperation call => call.TargetMethod.Name,
        _ => null,
    };

    private static bool HasIntArgument(System.Collections.Immutable.ImmutableArray<IArgumentOperation> arguments)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64)
            {
                return true;
            }
        }

        return false;
    }
}
