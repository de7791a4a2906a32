namespace Bounded.Analyzers;

/// <summary>Every rule ID Bounded reports. IDs are fixed once shipped.</summary>
public static class RuleIds
{
    public const string UnboundedTaskSpawn = "BND1001";
    public const string HotPathByteArray = "BND3001";
}
