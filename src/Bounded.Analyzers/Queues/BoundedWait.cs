using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Bounded.Analyzers.Queues;

/// <summary>Whether a channel or BlockingCollection was created with a capacity whose writers wait when it is full.</summary>
internal static class BoundedWait
{
    public static bool IsBoundedWait(List<IOperation> creations)
    {
        foreach (var creation in creations)
        {
            if (!IsBoundedWait(creation))
            {
                return false;
            }
        }

        return creations.Count > 0;
    }

    private static bool IsBoundedWait(IOperation creation)
    {
        switch (creation)
        {
            case IInvocationOperation { TargetMethod.Name: "CreateBounded", Arguments: { Length: > 0 } arguments }:
                var value = arguments[0].Value.WithoutConversions();
                if (value.Type?.SpecialType == SpecialType.System_Int32)
                {
                    return true; // FullMode defaults to Wait
                }

                if (value is not IObjectCreationOperation options)
                {
                    return false; // options built elsewhere: the mode is unknown
                }

                if (options.Initializer is { } initializer)
                {
                    foreach (var member in initializer.Initializers)
                    {
                        if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "FullMode" }, Value: var mode }
                            && mode.WithoutConversions() is not IFieldReferenceOperation { Field.Name: "Wait" })
                        {
                            return false;
                        }
                    }
                }

                return true;
            case IObjectCreationOperation { Arguments: var arguments }:
                foreach (var argument in arguments)
                {
                    if (argument.Parameter?.Name == "boundedCapacity")
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }
}
