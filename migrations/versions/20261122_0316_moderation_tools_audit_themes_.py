"""Tools of moderation: audit trail, themes, near-duplicates, redactions, reports, citations, TOTP.

Revision ID: da3e527ebc57
Revises: afef6ec74359
Create Date: 2026-11-22 03:16:23.391238

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'da3e527ebc57'
down_revision = 'afef6ec74359'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_theme_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('consultation_id', 'name', name=op.f('uq_theme_consultation_id_name'))
    )
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('object_label', sa.String(length=200), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('origin', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_audit_event_recent', ['occurred_at', 'id'], unique=False)

    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('contribution_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_key', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_contribution_report_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_contribution_report_reporter_id_user_account')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_contribution_report_resolved_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contribution_report')),
    sa.UniqueConstraint('contribution_id', 'reporter_key', name=op.f('uq_contribution_report_contribution_id_reporter_key'))
    )
    with op.batch_alter_table('contribution_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_report_contribution_id'), ['contribution_id'], unique=False)
        batch_op.create_index('ix_contribution_report_open', ['resolved_at', 'created_at', 'id'], unique=False)

    op.create_table('contribution_theme',
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_contribution_theme_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_contribution_theme_theme_id_theme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contribution_id', 'theme_id', name=op.f('pk_contribution_theme'))
    )
    with op.batch_alter_table('contribution_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('redaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('passages', sa.JSON(), nullable=False),
    sa.Column('body_before', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_redaction_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_redaction_moderator_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction'))
    )
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redaction_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('similarity_band',
    sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_similarity_band_contribution_id_contribution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('band_key', 'contribution_id', name=op.f('pk_similarity_band'))
    )
    with op.batch_alter_table('similarity_band', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_band_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('similarity_signature',
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_similarity_signature_contribution_id_contribution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contribution_id', name=op.f('pk_similarity_signature'))
    )
    op.create_table('answer_citation',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('chapter_version_id', sa.Integer(), nullable=False),
    sa.Column('section_anchor', sa.String(length=80), nullable=False),
    sa.Column('section_title', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_answer_citation_answer_id_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chapter_version_id'], ['chapter_version.id'], name=op.f('fk_answer_citation_chapter_version_id_chapter_version')),
    sa.PrimaryKeyConstraint('answer_id', 'chapter_version_id', 'section_anchor', name=op.f('pk_answer_citation'))
    )
    with op.batch_alter_table('answer_citation', schema=None) as batch_op:
        batch_op.create_index('ix_answer_citation_section', ['chapter_version_id', 'section_anchor'], unique=False)

    _add_duplicate_group()
    _add_search_index()
    _make_audit_append_only()
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))



def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding the table would cascade to accounts' rows.
    for column in ('totp_last_step', 'totp_confirmed_at', 'totp_secret'):
        op.drop_column('user_account', column)

    _drop_duplicate_group()
    _drop_audit_triggers()
    op.execute('DROP INDEX IF EXISTS ix_contribution_search')
    with op.batch_alter_table('answer_citation', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_citation_section')

    op.drop_table('answer_citation')
    op.drop_table('similarity_signature')
    with op.batch_alter_table('similarity_band', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_band_contribution_id'))

    op.drop_table('similarity_band')
    with op.batch_alter_table('redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_redaction_contribution_id'))

    op.drop_table('redaction')
    with op.batch_alter_table('contribution_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_theme_theme_id'))

    op.drop_table('contribution_theme')
    with op.batch_alter_table('contribution_report', schema=None) as batch_op:
        batch_op.drop_index('ix_contribution_report_open')
        batch_op.drop_index(batch_op.f('ix_contribution_report_contribution_id'))

    op.drop_table('contribution_report')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_recent')
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_consultation_id'))

    op.drop_table('theme')


def _is_sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _add_duplicate_group():
    # Without rebuilding the table on SQLite: a rebuild would delete, by cascade, the attachments
    # and answers that point at contributions.
    if _is_sqlite():
        op.execute(
            'ALTER TABLE contribution ADD COLUMN duplicate_group_id INTEGER '
            'CONSTRAINT fk_contribution_duplicate_group_id_contribution '
            'REFERENCES contribution (id)'
        )
    else:
        op.add_column('contribution', sa.Column('duplicate_group_id', sa.Integer(), nullable=True))
        op.create_foreign_key(
            'fk_contribution_duplicate_group_id_contribution', 'contribution', 'contribution',
            ['duplicate_group_id'], ['id'],
        )
    op.create_index('ix_contribution_duplicate_group_id', 'contribution', ['duplicate_group_id'])
    op.create_index(
        'ix_contribution_consultation_queue', 'contribution',
        ['consultation_id', 'status', 'submitted_at', 'id'],
    )


def _drop_duplicate_group():
    op.drop_index('ix_contribution_consultation_queue', table_name='contribution')
    op.drop_index('ix_contribution_duplicate_group_id', table_name='contribution')
    if not _is_sqlite():
        op.drop_constraint(
            'fk_contribution_duplicate_group_id_contribution', 'contribution', type_='foreignkey'
        )
    op.drop_column('contribution', 'duplicate_group_id')


def _add_search_index():
    if not _is_sqlite():
        op.execute(
            "CREATE INDEX ix_contribution_search ON contribution "
            "USING gin (to_tsvector('french', body))"
        )


APPEND_ONLY_MESSAGE = 'audit_event is append-only'


def _make_audit_append_only():
    if _is_sqlite():
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event '
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        'CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS '
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        'CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE '
        'ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()'
    )


def _drop_audit_triggers():
    if _is_sqlite():
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_update')
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_delete')
        return
    op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
    op.execute('DROP FUNCTION IF EXISTS audit_event_refuse_change()')
