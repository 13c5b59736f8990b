"""Mail received by the consultation: messages kept whole, IMAP cursors, their contributions and files.

Revision ID: 85634d7e393d
Revises: 774aaf73228d
Create Date: 2026-11-22 01:35:31.142590

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '85634d7e393d'
down_revision = '774aaf73228d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mailbox_cursor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=300), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailbox_cursor')),
    sa.UniqueConstraint('mailbox', name=op.f('uq_mailbox_cursor_mailbox'))
    )
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=300), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parsed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sender_address', sa.String(length=254), nullable=True),
    sa.Column('sender_name', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('defects', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('new', 'published', 'refused', 'quarantined', name='message_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('refusal_reason', sa.Enum('spam', 'off_topic', 'duplicate', 'out_of_period', 'other', name='refusal_reason', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('state_comment', sa.Text(), nullable=True),
    sa.Column('consultation_id', sa.Integer(), nullable=True),
    sa.Column('is_out_of_period', sa.Boolean(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledgement_skipped', sa.String(length=200), nullable=True),
    sa.Column('triaged_by_id', sa.Integer(), nullable=True),
    sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_inbound_message_consultation_id_consultation')),
    sa.ForeignKeyConstraint(['triaged_by_id'], ['user_account.id'], name=op.f('fk_inbound_message_triaged_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('message_key', name=op.f('uq_inbound_message_message_key'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_consultation_id'), ['consultation_id'], unique=False)
        batch_op.create_index('ix_inbound_message_queue', ['state', 'received_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_raw_sha256'), ['raw_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_sender_address'), ['sender_address'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inbound_message_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachment_inbound_message_id'), ['inbound_message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachment_inbound_message_id_inbound_message'), 'inbound_message', ['inbound_message_id'], ['id'])

    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_message_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contribution_source_message_id'), ['source_message_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contribution_source_message_id_inbound_message'), 'inbound_message', ['source_message_id'], ['id'])



def downgrade():
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contribution_source_message_id_inbound_message'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contribution_source_message_id'))
        batch_op.drop_column('source_message_id')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachment_inbound_message_id_inbound_message'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachment_inbound_message_id'))
        batch_op.drop_column('inbound_message_id')

    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_message_sender_address'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_raw_sha256'))
        batch_op.drop_index('ix_inbound_message_queue')
        batch_op.drop_index(batch_op.f('ix_inbound_message_consultation_id'))

    op.drop_table('inbound_message')
    op.drop_table('mailbox_cursor')
