import { createHash } from "node:crypto";
import { bytes, common, peer, timestamp } from "./protos.ts";

/**
 * Fabric's transaction messages as the emulator needs them: unpacking a signed proposal,
 * assembling the prepared transaction (an unsigned Envelope, exactly as the real gateway's
 * prepareTransaction does: the proposal header, the proposal payload without transient data,
 * one endorsed action), and unpacking an envelope again at submit and commit.
 */
export class MalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedError";
  }
}

export interface UnpackedProposal {
  readonly signed: InstanceType<typeof peer.SignedProposal>;
  readonly header: InstanceType<typeof common.Header>;
  readonly channelHeader: InstanceType<typeof common.ChannelHeader>;
  readonly signatureHeader: InstanceType<typeof common.SignatureHeader>;
  readonly payload: InstanceType<typeof peer.ChaincodeProposalPayload>;
  readonly input: InstanceType<typeof peer.ChaincodeInput>;
  readonly chaincodeName: string;
  readonly txId: string;
  readonly channel: string;
  readonly creator: Buffer;
  readonly nonce: Buffer;
  readonly timestampSeconds: number;
}

function parse<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new MalformedError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function unpackProposal(signed: InstanceType<typeof peer.SignedProposal> | undefined): UnpackedProposal {
  if (!signed || bytes(signed.getProposalBytes()).length === 0)
    throw new MalformedError("a signed proposal is required");
  const proposal = parse("proposal", () => peer.Proposal.deserializeBinary(bytes(signed.getProposalBytes())));
  const header = parse("header", () => common.Header.deserializeBinary(bytes(proposal.getHeader())));
  const channelHeader = parse("channel header", () =>
    common.ChannelHeader.deserializeBinary(bytes(header.getChannelHeader())),
  );
  const signatureHeader = parse("signature header", () =>
    common.SignatureHeader.deserializeBinary(bytes(header.getSignatureHeader())),
  );
  const payload = parse("chaincode proposal payload", () =>
    peer.ChaincodeProposalPayload.deserializeBinary(bytes(proposal.getPayload())),
  );
  const invocation = parse("chaincode invocation spec", () =>
    peer.ChaincodeInvocationSpec.deserializeBinary(bytes(payload.getInput())),
  );
  const spec = invocation.getChaincodeSpec();
  const chaincodeName = spec?.getChaincodeId()?.getName() ?? "";
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION)
    throw new MalformedError(`invalid header type ${channelHeader.getType()}`);
  if (!channelHeader.getChannelId()) throw new MalformedError("no channel id provided");
  if (!chaincodeName)
    throw new MalformedError(`no chaincode name is provided, channel id [${channelHeader.getChannelId()}]`);
  return {
    signed,
    header,
    channelHeader,
    signatureHeader,
    payload,
    input: spec!.getInput() ?? new peer.ChaincodeInput(),
    chaincodeName,
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    creator: bytes(signatureHeader.getCreator()),
    nonce: bytes(signatureHeader.getNonce()),
    timestampSeconds: channelHeader.getTimestamp()?.getSeconds() ?? 0,
  };
}

/**
 * The same proposal with its channel header's timestamp replaced (the emulator's clock hook;
 * see PeerEmulator.setClock). The client's signature is kept: it no longer covers the bytes,
 * which only the chaincode sees after this point, and the shim does not verify it.
 */
export function restamp(p: UnpackedProposal, seconds: number): UnpackedProposal {
  const channelHeader = common.ChannelHeader.deserializeBinary(p.channelHeader.serializeBinary());
  channelHeader.setTimestamp(timestamp(seconds));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(p.header.getSignatureHeader());
  const proposal = peer.Proposal.deserializeBinary(bytes(p.signed.getProposalBytes()));
  proposal.setHeader(header.serializeBinary());
  const signed = new peer.SignedProposal();
  signed.setProposalBytes(proposal.serializeBinary());
  signed.setSignature(p.signed.getSignature());
  return { ...p, signed, header, channelHeader, timestampSeconds: seconds };
}

export interface ChaincodeResult {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  /** The transaction's one event, with chaincode id and tx id filled in as the peer does. */
  readonly event: InstanceType<typeof peer.ChaincodeEvent> | undefined;
  readonly rwset: Uint8Array;
}

/** Fabric's proposal hash: over the channel header, signature header and transient-free payload. */
function proposalHash(p: UnpackedProposal): Buffer {
  const cpp = new peer.ChaincodeProposalPayload();
  cpp.setInput(p.payload.getInput());
  return createHash("sha256")
    .update(bytes(p.header.getChannelHeader()))
    .update(bytes(p.header.getSignatureHeader()))
    .update(cpp.serializeBinary())
    .digest();
}

export function proposalResponsePayload(p: UnpackedProposal, result: ChaincodeResult): Uint8Array {
  const response = new peer.Response();
  response.setStatus(result.status);
  response.setMessage(result.message);
  response.setPayload(result.payload);
  const action = new peer.ChaincodeAction();
  action.setResults(result.rwset);
  if (result.event) action.setEvents(result.event.serializeBinary());
  action.setResponse(response);
  const id = new peer.ChaincodeID();
  id.setName(p.chaincodeName);
  action.setChaincodeId(id);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(proposalHash(p));
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

/** The gateway's prepareTransaction: header + transient-free payload + one endorsed action. */
export function preparedTransaction(
  p: UnpackedProposal,
  prp: Uint8Array,
  endorsements: InstanceType<typeof peer.Endorsement>[],
): InstanceType<typeof common.Envelope> {
  const cpp = new peer.ChaincodeProposalPayload();
  cpp.setInput(p.payload.getInput());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp);
  endorsed.setEndorsementsList(endorsements);
  const cap = new peer.ChaincodeActionPayload();
  cap.setChaincodeProposalPayload(cpp.serializeBinary());
  cap.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setHeader(p.header.getSignatureHeader());
  action.setPayload(cap.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([action]);
  const payload = new common.Payload();
  payload.setHeader(p.header);
  payload.setData(tx.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

export interface UnpackedEnvelope {
  readonly txId: string;
  readonly channel: string;
  readonly headerType: number;
  readonly creator: Buffer;
  readonly nonce: Buffer;
  readonly timestampSeconds: number;
  readonly payloadBytes: Buffer;
  readonly signature: Buffer;
  /** Set for endorser transactions. */
  readonly action?: {
    readonly proposalResponsePayload: Buffer;
    readonly endorsements: { endorser: Buffer; signature: Buffer }[];
    readonly chaincodeName: string;
    readonly rwset: Buffer;
    readonly event: InstanceType<typeof peer.ChaincodeEvent> | undefined;
  };
}

export function unpackEnvelope(envelope: InstanceType<typeof common.Envelope>): UnpackedEnvelope {
  const payloadBytes = bytes(envelope.getPayload());
  const payload = parse("payload", () => common.Payload.deserializeBinary(payloadBytes));
  const header = payload.getHeader();
  if (!header) throw new MalformedError("missing header");
  const channelHeader = parse("channel header", () =>
    common.ChannelHeader.deserializeBinary(bytes(header.getChannelHeader())),
  );
  const signatureHeader = parse("signature header", () =>
    common.SignatureHeader.deserializeBinary(bytes(header.getSignatureHeader())),
  );
  const base = {
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    headerType: channelHeader.getType(),
    creator: bytes(signatureHeader.getCreator()),
    nonce: bytes(signatureHeader.getNonce()),
    timestampSeconds: channelHeader.getTimestamp()?.getSeconds() ?? 0,
    payloadBytes,
    signature: bytes(envelope.getSignature()),
  };
  if (base.headerType !== common.HeaderType.ENDORSER_TRANSACTION) return base;
  const tx = parse("transaction", () => peer.Transaction.deserializeBinary(bytes(payload.getData())));
  const first = tx.getActionsList()[0];
  if (!first) throw new MalformedError("the transaction has no action");
  const cap = parse("chaincode action payload", () =>
    peer.ChaincodeActionPayload.deserializeBinary(bytes(first.getPayload())),
  );
  const endorsed = cap.getAction();
  if (!endorsed) throw new MalformedError("missing endorsed action");
  const prpBytes = bytes(endorsed.getProposalResponsePayload());
  const prp = parse("proposal response payload", () => peer.ProposalResponsePayload.deserializeBinary(prpBytes));
  const action = parse("chaincode action", () => peer.ChaincodeAction.deserializeBinary(bytes(prp.getExtension$())));
  const events = bytes(action.getEvents());
  return {
    ...base,
    action: {
      proposalResponsePayload: prpBytes,
      endorsements: endorsed
        .getEndorsementsList()
        .map((e) => ({ endorser: bytes(e.getEndorser()), signature: bytes(e.getSignature()) })),
      chaincodeName: action.getChaincodeId()?.getName() ?? "",
      rwset: bytes(action.getResults()),
      event:
        events.length > 0 ? parse("chaincode event", () => peer.ChaincodeEvent.deserializeBinary(events)) : undefined,
    },
  };
}
