package agentx

//go:generate go run golang.org/x/tools/cmd/stringer@v0.53.0 -type=Type,VarType,Error,CloseReason -output=enums_string.go

// Type is a PDU type (RFC 2741 §6.1).
type Type uint8

// The PDU types.
const (
	TypeOpen            Type = 1
	TypeClose           Type = 2
	TypeRegister        Type = 3
	TypeUnregister      Type = 4
	TypeGet             Type = 5
	TypeGetNext         Type = 6
	TypeGetBulk         Type = 7
	TypeTestSet         Type = 8
	TypeCommitSet       Type = 9
	TypeUndoSet         Type = 10
	TypeCleanupSet      Type = 11
	TypeNotify          Type = 12
	TypePing            Type = 13
	TypeIndexAllocate   Type = 14
	TypeIndexDeallocate Type = 15
	TypeAddAgentCaps    Type = 16
	TypeRemoveAgentCaps Type = 17
	TypeResponse        Type = 18
)

// Header flags (RFC 2741 §6.1).
const (
	FlagInstanceRegistration = 0x01
	FlagNewIndex             = 0x02
	FlagAnyIndex             = 0x04
	FlagNonDefaultContext    = 0x08
	FlagNetworkByteOrder     = 0x10
)

// VarType is a varbind's value type (RFC 2741 §5.4).
type VarType uint16

// The value types.
const (
	Integer          VarType = 2
	OctetString      VarType = 4
	Null             VarType = 5
	ObjectIdentifier VarType = 6
	IPAddress        VarType = 64
	Counter32        VarType = 65
	Gauge32          VarType = 66
	TimeTicks        VarType = 67
	Opaque           VarType = 68
	Counter64        VarType = 70
	NoSuchObject     VarType = 128
	NoSuchInstance   VarType = 129
	EndOfMibView     VarType = 130
)

// Error is a Response's res.error (RFC 2741 §6.2.16): AgentX's own codes
// and SNMP's, which share the field.
type Error uint16

// The errors a sub-agent sends or reads.
const (
	NoError               Error = 0
	GenErr                Error = 5
	NotWritable           Error = 17
	OpenFailed            Error = 256
	NotOpen               Error = 257
	UnsupportedContext    Error = 262
	DuplicateRegistration Error = 263
	UnknownRegistration   Error = 264
	ParseError            Error = 266
	RequestDenied         Error = 267
	ProcessingError       Error = 268
)

// CloseReason says why a session closes (RFC 2741 §6.2.2).
type CloseReason uint8

// The reasons.
const (
	ReasonOther         CloseReason = 1
	ReasonParseError    CloseReason = 2
	ReasonProtocolError CloseReason = 3
	ReasonTimeouts      CloseReason = 4
	ReasonShutdown      CloseReason = 5
	ReasonByManager     CloseReason = 6
)

// Header is the 20-byte header every PDU starts with.
type Header struct {
	Type          Type
	Flags         uint8
	SessionID     uint32
	TransactionID uint32
	PacketID      uint32
}

// VarBind is a name and a typed value. Value holds int32 (Integer),
// []byte (OctetString, Opaque), OID (ObjectIdentifier), [4]byte
// (IPAddress), uint32 (Counter32, Gauge32, TimeTicks), uint64 (Counter64),
// or nil (Null and the three exceptions).
type VarBind struct {
	Name  OID
	Type  VarType
	Value any
}

// SearchRange is a Get/GetNext/GetBulk range: from Start (itself
// included when Include) up to End, excluded; an empty End is unbounded.
type SearchRange struct {
	Start   OID
	Include bool
	End     OID
}

// PDU is any AgentX PDU. Which fields carry meaning follows Type:
//
//	Open        Timeout, ID, Descr
//	Close       Reason
//	Register    Context, Timeout, Priority, RangeSubID, Subtree, UpperBound
//	Unregister  Context, Priority, RangeSubID, Subtree, UpperBound
//	Get/GetNext Context, Ranges
//	GetBulk     Context, NonRepeaters, MaxRepetitions, Ranges
//	*Set        Context, VarBinds (TestSet); nothing more for the others
//	Notify      Context, VarBinds
//	Ping        Context
//	Response    SysUpTime, Error, Index, VarBinds
//
// One flat type keeps a sub-agent's dispatch a switch on Type.
type PDU struct {
	Header
	Context []byte // present when FlagNonDefaultContext is set

	Timeout    uint8
	ID         OID
	Descr      []byte
	Reason     CloseReason
	Priority   uint8
	RangeSubID uint8
	Subtree    OID
	UpperBound uint32

	NonRepeaters   uint16
	MaxRepetitions uint16
	Ranges         []SearchRange

	SysUpTime uint32
	Error     Error
	Index     uint16
	VarBinds  []VarBind
}

// hasContext tells whether t may carry a context field.
func hasContext(t Type) bool {
	switch t {
	case TypeOpen, TypeClose, TypeResponse, TypeCommitSet, TypeUndoSet, TypeCleanupSet:
		return false
	}
	return true
}
